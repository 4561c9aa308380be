/**
 * The OpenAPI 3.1 object types the document is written in: `openapi-types`' own, narrowed where
 * this document always fills a member (every operation has an id, a summary and responses; the
 * document always has servers, components and a security default), so readers need no checks.
 */
import type { OpenAPIV3_1 } from "openapi-types";

/** A Schema Object (JSON Schema 2020-12). */
export type SchemaObject = OpenAPIV3_1.SchemaObject;
/** `{ "$ref": "#/components/..." }`. */
export type ReferenceObject = OpenAPIV3_1.ReferenceObject;
/** A response header. */
export type HeaderObject = OpenAPIV3_1.HeaderObject;
/** One media type of a request or response body. */
export type MediaTypeObject = OpenAPIV3_1.MediaTypeObject;
/** One documented response. */
export type ResponseObject = OpenAPIV3_1.ResponseObject;
/** A path, query or header parameter. */
export type ParameterObject = OpenAPIV3_1.ParameterObject;
/** A request body. */
export type RequestBodyObject = OpenAPIV3_1.RequestBodyObject;
/** Security requirement: scheme name → scopes (always empty for API keys). */
export type SecurityRequirementObject = OpenAPIV3_1.SecurityRequirementObject;

/** HTTP methods OpenAPI path items may describe (lower case, as in the document). */
export const PATH_ITEM_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** One of {@link PATH_ITEM_METHODS}. */
export type PathItemMethod = (typeof PATH_ITEM_METHODS)[number];

/** One operation: always named, summarised and with its responses. */
export type OperationObject = OpenAPIV3_1.OperationObject & {
  operationId: string;
  summary: string;
  responses: OpenAPIV3_1.ResponsesObject;
};

/**
 * One path. (openapi-types' own 3.1 PathItemObject intersects 3.0 operations, whose schemas cannot
 * hold 3.1 schemas, so the path item is rebuilt from the 3.1 operation type.)
 */
export type PathItemObject = Omit<OpenAPIV3_1.PathItemObject, OpenAPIV3_1.HttpMethods> & { [M in PathItemMethod]?: OperationObject };

/** Paths, relative to the server URL. */
export type PathsObject = Record<string, PathItemObject>;

/** The components this document defines. */
export interface ComponentsObject {
  schemas: Record<string, SchemaObject>;
  responses: Record<string, ResponseObject>;
  parameters: Record<string, ParameterObject>;
  headers: Record<string, HeaderObject>;
  securitySchemes: Record<string, OpenAPIV3_1.ApiKeySecurityScheme>;
}

/** The whole document. */
export interface OpenApiDocument {
  openapi: string;
  info: OpenAPIV3_1.InfoObject;
  jsonSchemaDialect?: string;
  servers: OpenAPIV3_1.ServerObject[];
  tags?: OpenAPIV3_1.TagObject[];
  paths: PathsObject;
  /** Outgoing calls aca-rollout makes to subscribers (OpenAPI 3.1 `webhooks`); none are described yet. */
  webhooks?: PathsObject;
  components: ComponentsObject;
  security: SecurityRequirementObject[];
}
