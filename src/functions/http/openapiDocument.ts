/**
 * The OpenAPI 3.1 description of the HTTP API, built from the same constants the endpoints use
 * (resource shapes in apiTypes.ts, problem types in problem.ts, patterns in src/domain), so the
 * document cannot drift on an enum or a pattern. `GET /api/openapi.json` serves it and the contract
 * tests validate every response against it; response schemas are closed (`additionalProperties:
 * false`) so a field added to a resource but not described here fails those tests.
 */
import { BUILD_PLATFORMS, DEPLOYMENT_ID_PATTERN, ON_FAILURE_ACTIONS, TARGET_NAME_PATTERN } from "../../domain/deployment.js";
import { DIGEST_PATTERN, TAG_PATTERN } from "../../domain/imageReference.js";
import type { StepStatus } from "../../domain/timeline.js";
import { PRODUCT_VERSION } from "../../config/version.js";
import { DEPLOYMENT_STATUSES } from "./apiTypes.js";
import { MAX_BODY_BYTES } from "./jsonBody.js";
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES } from "./problem.js";

/** JSON Schema 2020-12 types. */
export type JsonType = "string" | "number" | "integer" | "boolean" | "object" | "array" | "null";

/** The subset of the OpenAPI 3.1 Schema Object (JSON Schema 2020-12) this document uses. */
export interface SchemaObject {
  $ref?: string;
  type?: JsonType | readonly JsonType[];
  title?: string;
  description?: string;
  enum?: readonly unknown[];
  const?: unknown;
  default?: unknown;
  examples?: readonly unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: readonly string[];
  additionalProperties?: boolean | SchemaObject;
  minProperties?: number;
  maxProperties?: number;
  allOf?: readonly SchemaObject[];
  anyOf?: readonly SchemaObject[];
  oneOf?: readonly SchemaObject[];
  not?: SchemaObject;
  readOnly?: boolean;
  deprecated?: boolean;
}

/** `{ "$ref": "#/components/..." }`. */
export interface ReferenceObject {
  $ref: string;
  summary?: string;
  description?: string;
}

/** A header of a response. */
export interface HeaderObject {
  description?: string;
  required?: boolean;
  schema: SchemaObject;
}

/** One media type of a request or response body. */
export interface MediaTypeObject {
  schema?: SchemaObject;
  example?: unknown;
}

/** One documented response. */
export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject | ReferenceObject>;
  /** Absent when the response has no body. */
  content?: Record<string, MediaTypeObject>;
}

/** A path, query or header parameter. */
export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header";
  description?: string;
  required?: boolean;
  schema: SchemaObject;
}

/** A request body. */
export interface RequestBodyObject {
  description?: string;
  required?: boolean;
  content: Record<string, MediaTypeObject>;
}

/** Security requirement: scheme name → scopes (always empty for API keys). */
export type SecurityRequirementObject = Record<string, string[]>;

/** One operation. */
export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  parameters?: (ParameterObject | ReferenceObject)[];
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject | ReferenceObject>;
  /** `[]` marks an anonymous operation. */
  security?: SecurityRequirementObject[];
}

/** HTTP methods OpenAPI path items may describe (lower case, as in the document). */
export const PATH_ITEM_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** One path. */
export type PathItemObject = { [M in (typeof PATH_ITEM_METHODS)[number]]?: OperationObject } & {
  summary?: string;
  parameters?: (ParameterObject | ReferenceObject)[];
};

/** Paths, relative to the server URL. */
export type PathsObject = Record<string, PathItemObject>;

/** An `apiKey` security scheme. */
export interface ApiKeySecurityScheme {
  type: "apiKey";
  name: string;
  in: "header" | "query";
  description?: string;
}

/** The whole document. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string; license?: { name: string; identifier?: string } };
  jsonSchemaDialect?: string;
  servers: { url: string; description?: string }[];
  tags?: { name: string; description?: string }[];
  paths: PathsObject;
  /** Outgoing calls aca-rollout makes to subscribers (OpenAPI 3.1 `webhooks`); none are described yet. */
  webhooks?: PathsObject;
  components: {
    schemas: Record<string, SchemaObject>;
    responses: Record<string, ResponseObject>;
    parameters: Record<string, ParameterObject>;
    headers: Record<string, HeaderObject>;
    securitySchemes: Record<string, ApiKeySecurityScheme>;
  };
  security: SecurityRequirementObject[];
}

/** The server URL the paths are relative to (the Functions host's route prefix). */
export const API_SERVER_URL = "/api";

// Listed here because StepStatus is a type only; the check below fails compilation if one is missing.
const STEP_STATUSES = ["pending", "running", "succeeded", "failed", "skipped"] as const satisfies readonly StepStatus[];
type MissingStepStatus = Exclude<StepStatus, (typeof STEP_STATUSES)[number]>;
const stepStatusesComplete: [MissingStepStatus] extends [never] ? true : never = true;
void stepStatusesComplete;

const ref = (kind: "schemas" | "responses" | "parameters" | "headers", name: string): ReferenceObject => ({ $ref: `#/components/${kind}/${name}` });
const schemaRef = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` });

const TIMESTAMP: SchemaObject = { type: "string", format: "date-time" };

const schemas: Record<string, SchemaObject> = {
  DeploymentStatus: {
    type: "string",
    enum: DEPLOYMENT_STATUSES,
    description: "Where a deployment is. Succeeded, Failed, RolledBack, Canceled and Superseded are final.",
  },
  TimelineStep: {
    type: "object",
    additionalProperties: false,
    required: ["name", "status"],
    properties: {
      name: { type: "string", examples: ["build", "resolve-digest", "deploy", "verify"] },
      status: { type: "string", enum: STEP_STATUSES },
      startedAt: TIMESTAMP,
      finishedAt: TIMESTAMP,
      detail: { type: "string", description: "Short human detail (run id, revision, failure reason); never secrets." },
    },
  },
  ApiError: {
    type: "object",
    additionalProperties: false,
    description: "The failed Azure call behind a failure.",
    required: ["code", "message"],
    properties: {
      code: { type: "string", description: "The ARM or ACR error code." },
      message: { type: "string" },
      statusCode: { type: "integer" },
      correlationId: { type: "string", description: "Azure's x-ms-correlation-request-id." },
    },
  },
  DeploymentResource: {
    type: "object",
    additionalProperties: false,
    required: ["id", "target", "image", "status", "createdAt", "updatedAt", "steps"],
    properties: {
      id: { type: "string", pattern: DEPLOYMENT_ID_PATTERN.source },
      target: { type: "string", description: "The target's name." },
      image: {
        type: "object",
        additionalProperties: false,
        required: ["loginServer", "repository"],
        properties: {
          loginServer: { type: "string", examples: ["myacr.azurecr.io"] },
          repository: { type: "string", examples: ["team/web"] },
          tag: { type: "string", pattern: TAG_PATTERN.source },
          digest: { type: "string", pattern: DIGEST_PATTERN.source, description: "Known once resolved, or when requested by digest." },
        },
      },
      status: schemaRef("DeploymentStatus"),
      createdAt: TIMESTAMP,
      updatedAt: TIMESTAMP,
      reason: { type: "string", description: "Why it ended as it did (final statuses only)." },
      steps: { type: "array", items: schemaRef("TimelineStep") },
      runId: { type: "string", description: "The ACR Tasks run id of the build." },
      logTail: { type: "string", description: "The end of the build log, when the build failed." },
      revision: { type: "string", description: "The revision this deploy created." },
      previousRevision: { type: "string", description: "The revision that was serving before." },
      supersededBy: { type: "string", description: "The deployment that replaced this one in the queue." },
      quarantinedDigest: { type: "string", pattern: DIGEST_PATTERN.source },
      error: schemaRef("ApiError"),
    },
  },
  DeploymentAccepted: {
    type: "object",
    additionalProperties: false,
    required: ["id", "statusUrl"],
    properties: {
      id: { type: "string", pattern: DEPLOYMENT_ID_PATTERN.source },
      statusUrl: { type: "string", format: "uri", description: "Absolute URL of GET /api/deployments/{id}." },
    },
  },
  DeploymentPage: {
    type: "object",
    additionalProperties: false,
    required: ["value"],
    description: "Newest first.",
    properties: {
      value: { type: "array", items: schemaRef("DeploymentResource") },
      continuationToken: { type: "string", description: "Pass back as `continuationToken` for the next page; absent on the last page." },
      nextLink: { type: "string", format: "uri", description: "The next page's absolute URL; absent on the last page." },
    },
  },
  DeploymentRequest: {
    type: "object",
    additionalProperties: false,
    required: ["target"],
    description:
      "Deploys `tag` or `digest` of the target's repository (building it first when the target has a build). " +
      "`build` and `policy` override the target's defaults, field by field, where the target allows it.",
    properties: {
      target: { type: "string", pattern: TARGET_NAME_PATTERN.source, description: "A target name from ACA_ROLLOUT_TARGETS." },
      tag: { type: "string", pattern: TAG_PATTERN.source },
      digest: { type: "string", pattern: DIGEST_PATTERN.source },
      build: {
        type: "object",
        additionalProperties: false,
        description: "Overrides of the target's build; each field needs the target's allowOverrides. Secret build args are declared on the target only.",
        properties: {
          registry: { type: "object" },
          source: { type: "object", description: '`{ kind: "git", url, ref?, folder? }` or `{ kind: "upload", relativePath }`.' },
          dockerfile: { type: "string", maxLength: 512 },
          buildArgs: { type: "array", maxItems: 32, items: { type: "object", required: ["name", "value"], properties: { name: { type: "string" }, value: { type: "string" } } } },
          target: { type: "string", description: "The Dockerfile stage to build." },
          platform: { type: "string", enum: BUILD_PLATFORMS },
          timeoutSeconds: { type: "integer", minimum: 300, maximum: 28800 },
          cache: { type: "boolean" },
        },
      },
      policy: {
        type: "object",
        additionalProperties: false,
        description: "Overrides of the target's rollout policy; each field needs the target's allowOverrides.",
        properties: {
          verifyTimeoutSeconds: { type: "integer", minimum: 60, maximum: 7200 },
          smokePath: { type: "string", maxLength: 2048 },
          warmupGraceSeconds: { type: "integer", minimum: 0, maximum: 1800 },
          onFailure: { type: "string", enum: ON_FAILURE_ACTIONS },
        },
      },
    },
  },
  QuarantineResource: {
    type: "object",
    additionalProperties: false,
    required: ["digest", "deploymentId", "reason", "at"],
    properties: {
      digest: { type: "string", pattern: DIGEST_PATTERN.source },
      deploymentId: { type: "string" },
      reason: { type: "string" },
      at: TIMESTAMP,
    },
  },
  TargetResource: {
    type: "object",
    additionalProperties: false,
    required: ["name", "configuration", "quarantine"],
    properties: {
      name: { type: "string", pattern: TARGET_NAME_PATTERN.source },
      configuration: { type: "object", description: "The target's configuration as loaded, secrets masked (`***`)." },
      lastKnownGood: {
        type: "object",
        additionalProperties: false,
        required: ["revision", "image", "at"],
        properties: {
          revision: { type: "string" },
          image: { type: "string" },
          digest: { type: "string", pattern: DIGEST_PATTERN.source },
          deploymentId: { type: "string" },
          at: TIMESTAMP,
        },
      },
      lastDeployment: {
        type: "object",
        additionalProperties: false,
        required: ["id", "outcome", "at"],
        properties: { id: { type: "string" }, outcome: { type: "string" }, at: TIMESTAMP },
      },
      quarantine: { type: "array", items: schemaRef("QuarantineResource") },
    },
  },
  TargetList: {
    type: "object",
    additionalProperties: false,
    required: ["value"],
    properties: { value: { type: "array", items: schemaRef("TargetResource") } },
  },
  HealthResource: {
    type: "object",
    additionalProperties: false,
    required: ["status", "version", "mode", "configuration"],
    properties: {
      status: { type: "string", enum: ["healthy", "unhealthy"] },
      version: { type: "string" },
      mode: { type: "string", enum: ["sandbox", "azure"], description: "Whether this instance talks to the Azure sandbox or to Azure." },
      configuration: {
        type: "object",
        additionalProperties: false,
        required: ["valid", "errors"],
        properties: {
          valid: { type: "boolean" },
          errors: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["path", "message"],
              properties: { path: { type: "string" }, message: { type: "string" } },
            },
          },
        },
      },
    },
  },
  Problem: {
    type: "object",
    description: "RFC 9457 problem details. `type` is stable per kind of problem; `errors` locates each input problem.",
    required: ["type", "title", "status"],
    properties: {
      type: { type: "string", enum: Object.values(PROBLEM_TYPES) },
      title: { type: "string" },
      status: { type: "integer", minimum: 400, maximum: 599 },
      detail: { type: "string" },
      instance: { type: "string" },
      errors: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["pointer", "detail"],
          properties: {
            pointer: { type: "string", description: "RFC 6901 JSON pointer into the body, or /query/<name>, /headers/<name>, /path/<name>." },
            detail: { type: "string" },
          },
        },
      },
    },
  },
};

type ProblemTypeName = keyof typeof PROBLEM_TYPES;

/** A problem response whose `status` and `type` are pinned, so a wrong kind of problem fails validation. */
function problem(status: number, description: string, types: readonly ProblemTypeName[]): ResponseObject {
  return {
    description,
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: {
          allOf: [
            schemaRef("Problem"),
            { type: "object", properties: { status: { const: status }, type: { enum: types.map((t) => PROBLEM_TYPES[t]) } } },
          ],
        },
      },
    },
  };
}

const responses: Record<string, ResponseObject> = {
  Unauthorized: { description: "No valid function key (x-functions-key header or code query parameter). No body." },
  InvalidRequest: problem(400, "The request is invalid; `errors` points at each problem.", ["validation"]),
  InvalidBody: problem(400, "The body is not valid JSON, or does not match the request schema.", ["validation", "malformedJson"]),
  NotFound: problem(404, "No such resource.", ["notFound"]),
  PayloadTooLarge: problem(413, `The body exceeds ${MAX_BODY_BYTES} bytes.`, ["payloadTooLarge"]),
  UnsupportedMediaType: problem(415, "The body is not application/json.", ["unsupportedMediaType"]),
  InternalError: problem(500, "An unexpected failure (for example the state store could not be reached); retrying may help.", ["internal"]),
  ConfigurationInvalid: problem(503, "The targets configuration (ACA_ROLLOUT_TARGETS) is invalid; GET /api/health lists the problems.", ["configurationInvalid"]),
};

const parameters: Record<string, ParameterObject> = {
  DeploymentId: { name: "id", in: "path", required: true, schema: { type: "string", pattern: DEPLOYMENT_ID_PATTERN.source } },
  TargetName: { name: "name", in: "path", required: true, schema: { type: "string", pattern: TARGET_NAME_PATTERN.source } },
};

const headers: Record<string, HeaderObject> = {
  Location: { description: "Where to poll the deployment (GET /api/deployments/{id}).", required: true, schema: { type: "string", format: "uri-reference" } },
  RetryAfter: { description: "Seconds to wait before polling.", required: true, schema: { type: "integer", minimum: 0 } },
};

const json = (schema: SchemaObject): Record<string, MediaTypeObject> => ({ "application/json": { schema } });

const deploymentPaths: PathsObject = {
  "/deployments": {
    post: {
      operationId: "startDeployment",
      tags: ["deployments"],
      summary: "Start a deployment",
      description: "Validates the request against the target, then starts the deploy workflow. Poll the Location for its progress.",
      parameters: [
        {
          name: "Idempotency-Key",
          in: "header",
          description: "Makes the request safe to retry: the same key and request get the first answer; the same key with another request is a 409.",
          schema: { type: "string", pattern: "^[ -~]{1,128}$" },
        },
      ],
      requestBody: { required: true, content: json(schemaRef("DeploymentRequest")) },
      responses: {
        "202": {
          description: "Accepted: the deployment runs in the background.",
          headers: { Location: ref("headers", "Location"), "Retry-After": ref("headers", "RetryAfter") },
          content: json(schemaRef("DeploymentAccepted")),
        },
        "400": ref("responses", "InvalidBody"),
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "403": problem(403, "The request names a registry or scope outside the configured allow list.", ["forbiddenTarget"]),
        "404": problem(404, "The target does not exist.", ["notFound"]),
        "409": problem(409, "The Idempotency-Key was used for a different request.", ["idempotencyKeyReused"]),
        "413": ref("responses", "PayloadTooLarge"),
        "415": ref("responses", "UnsupportedMediaType"),
        "503": ref("responses", "ConfigurationInvalid"),
      },
    },
    get: {
      operationId: "listDeployments",
      tags: ["deployments"],
      summary: "List deployments, newest first",
      parameters: [
        { name: "target", in: "query", description: "Only this target's deployments.", schema: { type: "string", pattern: TARGET_NAME_PATTERN.source } },
        { name: "status", in: "query", description: "Only deployments in this status.", schema: schemaRef("DeploymentStatus") },
        { name: "top", in: "query", description: "Page size.", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
        { name: "continuationToken", in: "query", description: "From the previous page.", schema: { type: "string" } },
      ],
      responses: {
        "200": { description: "A page of deployments.", content: json(schemaRef("DeploymentPage")) },
        "400": problem(400, "A query parameter is invalid or unknown; `errors` points at each (`/query/<name>`).", ["validation"]),
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
      },
    },
  },
  "/deployments/{id}": {
    parameters: [ref("parameters", "DeploymentId")],
    get: {
      operationId: "getDeployment",
      tags: ["deployments"],
      summary: "A deployment and its step timeline",
      responses: {
        "200": { description: "The deployment.", content: json(schemaRef("DeploymentResource")) },
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "404": ref("responses", "NotFound"),
      },
    },
  },
  "/deployments/{id}/cancel": {
    parameters: [ref("parameters", "DeploymentId")],
    post: {
      operationId: "cancelDeployment",
      tags: ["deployments"],
      summary: "Cancel a running deployment",
      description: "Stops the deploy, cancels an in-flight build and restores the last known good revision if it had already been replaced. It ends as Canceled.",
      requestBody: { required: false, description: "None, or an empty JSON object.", content: json({ type: "object", maxProperties: 0 }) },
      responses: {
        "202": {
          description: "Cancellation requested; poll the Location until the status is Canceled (or another final status if the deploy ended first).",
          headers: { Location: ref("headers", "Location"), "Retry-After": ref("headers", "RetryAfter") },
          content: json(schemaRef("DeploymentAccepted")),
        },
        "400": ref("responses", "InvalidBody"),
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "404": ref("responses", "NotFound"),
        "409": problem(409, "The deployment has already finished.", ["conflict"]),
        "413": ref("responses", "PayloadTooLarge"),
        "415": ref("responses", "UnsupportedMediaType"),
      },
    },
  },
};

const targetPaths: PathsObject = {
  "/targets": {
    get: {
      operationId: "listTargets",
      tags: ["targets"],
      summary: "Every configured target with its state",
      responses: {
        "200": { description: "The targets.", content: json(schemaRef("TargetList")) },
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "503": ref("responses", "ConfigurationInvalid"),
      },
    },
  },
  "/targets/{name}": {
    parameters: [ref("parameters", "TargetName")],
    get: {
      operationId: "getTarget",
      tags: ["targets"],
      summary: "One target: configuration, last known good, last deployment, quarantine",
      responses: {
        "200": { description: "The target.", content: json(schemaRef("TargetResource")) },
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "404": ref("responses", "NotFound"),
        "503": ref("responses", "ConfigurationInvalid"),
      },
    },
  },
  "/targets/{name}/quarantine/{digest}": {
    parameters: [ref("parameters", "TargetName"), { name: "digest", in: "path", required: true, schema: { type: "string", pattern: DIGEST_PATTERN.source } }],
    delete: {
      operationId: "liftQuarantine",
      tags: ["targets"],
      summary: "Lift a digest's quarantine so it can be deployed again",
      responses: {
        "204": { description: "Lifted." },
        "400": ref("responses", "InvalidRequest"),
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "404": problem(404, "No such target, or the digest is not quarantined.", ["notFound"]),
        "503": ref("responses", "ConfigurationInvalid"),
      },
    },
  },
};

const systemPaths: PathsObject = {
  "/health": {
    get: {
      operationId: "getHealth",
      tags: ["system"],
      summary: "Version, mode and settings validity",
      security: [],
      responses: {
        "200": { description: "Healthy.", content: json(schemaRef("HealthResource")) },
        "503": { description: "The settings are invalid; every problem is listed.", content: json(schemaRef("HealthResource")) },
      },
    },
  },
  "/openapi.json": {
    get: {
      operationId: "getOpenApiDocument",
      tags: ["system"],
      summary: "This document",
      security: [],
      responses: {
        "200": {
          description: "The OpenAPI 3.1 document.",
          content: json({
            type: "object",
            required: ["openapi", "info", "paths"],
            properties: { openapi: { type: "string", pattern: "^3\\.1\\." }, info: { type: "object" }, paths: { type: "object" } },
          }),
        },
      },
    },
  },
};

/**
 * Extension point: incoming webhook endpoints (ACR push webhook, Event Grid) are described here when
 * their functions land. Until then there are none; the route-coverage contract test fails if a
 * registered route is missing from the document.
 */
const webhookPaths: PathsObject = {};

/** Builds the document; `extraPaths` lets a caller add paths without editing the groups above. */
export function buildOpenApiDocument(extraPaths: PathsObject = {}): OpenApiDocument {
  return {
    openapi: "3.1.1",
    info: {
      title: "aca-rollout",
      version: PRODUCT_VERSION,
      description: "Deploy orchestrator for Azure Container Apps: start, follow and cancel deployments; inspect targets and lift quarantines. Errors are RFC 9457 problem details.",
      license: { name: "MIT", identifier: "MIT" },
    },
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    servers: [{ url: API_SERVER_URL }],
    tags: [
      { name: "deployments", description: "Deploys and their timelines." },
      { name: "targets", description: "Configured deploy targets and their state." },
      { name: "system", description: "Health and this document (anonymous)." },
    ],
    paths: { ...deploymentPaths, ...targetPaths, ...systemPaths, ...webhookPaths, ...extraPaths },
    components: {
      schemas,
      responses,
      parameters,
      headers,
      securitySchemes: {
        functionKeyHeader: { type: "apiKey", in: "header", name: "x-functions-key", description: "An Azure Functions function key." },
        functionKeyQuery: { type: "apiKey", in: "query", name: "code", description: "The same key as a query parameter." },
      },
    },
    security: [{ functionKeyHeader: [] }, { functionKeyQuery: [] }],
  };
}
