/**
 * The OpenAPI 3.1 description of the HTTP API, assembled from its parts beside it in `openapi/`: types
 * (openapi-types), component schemas (the request body generated from its zod schema), shared
 * components, and one file of paths per resource. Built from the same constants the endpoints use,
 * so the document cannot drift on an enum or a pattern. `GET /api/openapi.json` serves it and the
 * contract tests validate every response against it.
 */
import { PRODUCT_VERSION } from "../../../config/version.js";
import { components } from "./components.js";
import { deploymentPaths } from "./deploymentPaths.js";
import { systemPaths } from "./systemPaths.js";
import { targetPaths } from "./targetPaths.js";
import { uploadPaths } from "./uploadPaths.js";
import { webhookPaths } from "./webhookPaths.js";
import type { OpenApiDocument, PathsObject } from "./types.js";

export { PATH_ITEM_METHODS } from "./types.js";
export type * from "./types.js";

/** The server URL the paths are relative to (the Functions host's route prefix). */
export const API_SERVER_URL = "/api";


/** Builds the document; `extraPaths` lets a caller add paths without editing the groups above. */
export function buildOpenApiDocument(extraPaths: PathsObject = {}): OpenApiDocument {
  return {
    openapi: "3.1.1",
    info: {
      title: "aca-rollout",
      version: PRODUCT_VERSION,
      description: "Deploy orchestrator for Azure Container Apps: start, follow and cancel deployments; inspect targets and lift quarantines; registry pushes roll out targets with autoRollout on. Errors are RFC 9457 problem details, one title per type. " +
        "A method a path does not list answers 405 with an Allow header naming the methods it does (local runtime; the Azure Functions host answers 404).",
      license: { name: "MIT", identifier: "MIT" },
    },
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    servers: [{ url: API_SERVER_URL }],
    tags: [
      { name: "deployments", description: "Deploys and their timelines." },
      { name: "targets", description: "Configured deploy targets and their state." },
      { name: "system", description: "Health and this document (anonymous)." },
      { name: "auto-rollout", description: "Registry pushes (ACR webhook, Event Grid ImagePushed) that deploy targets with autoRollout on." },
    ],
    paths: { ...deploymentPaths, ...uploadPaths, ...targetPaths, ...systemPaths, ...webhookPaths, ...extraPaths },
    components,
    security: [{ functionKeyHeader: [] }, { functionKeyQuery: [] }],
  };
}
