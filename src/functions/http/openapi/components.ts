/**
 * The document's shared responses, parameters, headers and security schemes; the schemas are in
 * schemas.ts.
 */
import { DEPLOYMENT_ID_PATTERN, TARGET_NAME_PATTERN } from "../../../domain/deployment.js";
import { MAX_BODY_BYTES } from "../jsonBody.js";
import { problem } from "./refs.js";
import { autoRolloutSchemas, schemas } from "./schemas.js";
import { uploadSchemas } from "./uploadPaths.js";
import type { ComponentsObject, HeaderObject, ParameterObject, ResponseObject } from "./types.js";

export const responses: Record<string, ResponseObject> = {
  Unauthorized: { description: "No valid function key (x-functions-key header or code query parameter). No body." },
  InvalidRequest: problem(400, "The request is invalid; `errors` points at each problem.", ["validation"]),
  InvalidBody: problem(400, "The body is not valid JSON, or does not match the request schema.", ["validation", "malformedJson"]),
  NotFound: problem(404, "No such resource.", ["notFound"]),
  PayloadTooLarge: problem(413, `The body exceeds ${MAX_BODY_BYTES} bytes.`, ["payloadTooLarge"]),
  UnsupportedMediaType: problem(415, "The body is not application/json.", ["unsupportedMediaType"]),
  InternalError: problem(500, "An unexpected failure (for example the state store could not be reached); retrying may help.", ["internal"]),
  ConfigurationInvalid: problem(503, "The targets configuration (ACA_ROLLOUT_TARGETS) is invalid; GET /api/health lists the problems.", ["configurationInvalid"]),
};

export const parameters: Record<string, ParameterObject> = {
  DeploymentId: { name: "id", in: "path", required: true, schema: { type: "string", pattern: DEPLOYMENT_ID_PATTERN.source } },
  TargetName: { name: "name", in: "path", required: true, schema: { type: "string", pattern: TARGET_NAME_PATTERN.source } },
};

export const headers: Record<string, HeaderObject> = {
  Location: { description: "Where to poll the deployment (GET /api/deployments/{id}).", required: true, schema: { type: "string", format: "uri-reference" } },
  RetryAfter: { description: "Seconds to wait before polling.", required: true, schema: { type: "integer", minimum: 0 } },
};

/** The function key, as the Functions host accepts it. */
export const securitySchemes: ComponentsObject["securitySchemes"] = {
  functionKeyHeader: { type: "apiKey", in: "header", name: "x-functions-key", description: "An Azure Functions function key." },
  functionKeyQuery: { type: "apiKey", in: "query", name: "code", description: "The same key as a query parameter." },
};

/** Every component. */
export const components: ComponentsObject = { schemas: { ...schemas, ...uploadSchemas, ...autoRolloutSchemas }, responses, parameters, headers, securitySchemes };
