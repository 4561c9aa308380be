/**
 * Checks one HTTP response against the operation an OpenAPI 3.1 document describes for its method and
 * path: the status must be documented, the content type must be one the response lists (and the body
 * empty when it lists none), the body must match the media type's schema (JSON Schema 2020-12), and
 * every required header must be present and match its schema.
 */
import type { HeaderObject, OpenApiDocument, OperationObject, ReferenceObject, ResponseObject } from "../../../src/functions/http/openapi/document.js";
import { PATH_ITEM_METHODS } from "../../../src/functions/http/openapi/document.js";
import { createSchemaCompiler, describeSchemaErrors } from "./schemaCompiler.js";

/** An operation found for a request. */
export interface MatchedOperation {
  /** The document's path template, e.g. `/deployments/{id}`. */
  template: string;
  method: string;
  operation: OperationObject;
  pathParameters: Record<string, string>;
}

/** A response as received. */
export interface ReceivedResponse {
  status: number;
  headers: Headers;
  /** The raw body text ("" when there is none). */
  text: string;
}

/** Validates responses against one document. */
export interface ResponseValidator {
  /** The server URL prefix paths are relative to (from `servers[0].url`), e.g. `/api`. */
  readonly serverPath: string;
  /** The operation for `method` and a path relative to the server URL (no query), or undefined. */
  findOperation(method: string, path: string): MatchedOperation | undefined;
  /** Every way `response` disagrees with the document; empty when it conforms. */
  validate(method: string, path: string, response: ReceivedResponse): string[];
}

interface CompiledTemplate {
  template: string;
  segments: ({ literal: string } | { parameter: string })[];
  literalCount: number;
}

function compileTemplate(template: string): CompiledTemplate {
  const segments = template
    .split("/")
    .filter((s) => s !== "")
    .map((s) => {
      const parameter = /^\{([^{}]+)\}$/.exec(s);
      return parameter ? { parameter: parameter[1]! } : { literal: s };
    });
  return { template, segments, literalCount: segments.filter((s) => "literal" in s).length };
}

function matchTemplate(compiled: CompiledTemplate, path: string): Record<string, string> | undefined {
  const parts = path.split("/").filter((s) => s !== "");
  if (parts.length !== compiled.segments.length) return undefined;
  const values: Record<string, string> = {};
  for (const [index, segment] of compiled.segments.entries()) {
    const part = parts[index]!;
    if ("literal" in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      values[segment.parameter] = decodeURIComponent(part);
    }
  }
  return values;
}

/** The media type without parameters, lower case. */
function mediaTypeOf(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

function isJsonMediaType(mediaType: string): boolean {
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

/** The documented media type key that covers `mediaType` (exact, then `type/*`, then `*\/*`). */
function matchMediaType(documented: readonly string[], mediaType: string): string | undefined {
  const lower = new Map(documented.map((key) => [key.toLowerCase(), key]));
  return lower.get(mediaType) ?? lower.get(`${mediaType.split("/")[0]}/*`) ?? lower.get("*/*");
}

/** A header value as its schema's type (headers arrive as strings). */
function headerValue(raw: string, schema: { type?: unknown }): unknown {
  if (schema.type === "integer" || schema.type === "number") return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (schema.type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  return raw;
}

/** Creates a validator for `document`. */
export function createResponseValidator(document: OpenApiDocument): ResponseValidator {
  const compiler = createSchemaCompiler(document);
  const serverPath = (document.servers[0]?.url ?? "").replace(/\/+$/, "");
  // Concrete paths win over templated ones (OpenAPI 3.1 §4.8.8).
  const templates = Object.keys(document.paths)
    .map(compileTemplate)
    .sort((a, b) => b.literalCount - a.literalCount);

  const resolve = <T extends object>(value: T | ReferenceObject): T => {
    if (!("$ref" in value) || typeof value.$ref !== "string") return value as T;
    const pointer = value.$ref;
    if (!pointer.startsWith("#/")) throw new Error(`unsupported reference ${pointer}`);
    let current: unknown = document;
    for (const raw of pointer.slice(2).split("/")) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      current = current !== null && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined;
    }
    if (current === undefined) throw new Error(`unresolvable reference ${pointer}`);
    return resolve(current as T | ReferenceObject);
  };

  const findOperation = (method: string, path: string): MatchedOperation | undefined => {
    const lowerMethod = method.toLowerCase();
    if (!(PATH_ITEM_METHODS as readonly string[]).includes(lowerMethod)) return undefined;
    for (const compiled of templates) {
      const pathParameters = matchTemplate(compiled, path);
      if (!pathParameters) continue;
      const operation = document.paths[compiled.template]?.[lowerMethod as (typeof PATH_ITEM_METHODS)[number]];
      if (operation) return { template: compiled.template, method: lowerMethod, operation, pathParameters };
    }
    return undefined;
  };

  const validate = (method: string, path: string, response: ReceivedResponse): string[] => {
    const matched = findOperation(method, path);
    if (!matched) return [`${method.toUpperCase()} ${path} is not described by the document`];
    const where = `${method.toUpperCase()} ${matched.template} → ${response.status}`;
    const { responses } = matched.operation;
    const documented = responses[String(response.status)] ?? responses[`${String(response.status)[0]}XX`] ?? responses.default;
    if (!documented) return [`${where}: status ${response.status} is not documented (documented: ${Object.keys(responses).join(", ")})`];
    const described = resolve<ResponseObject>(documented);
    const problems: string[] = [];

    for (const [name, header] of Object.entries(described.headers ?? {})) {
      const resolved = resolve<HeaderObject>(header);
      const raw = response.headers.get(name);
      if (raw === null) {
        if (resolved.required) problems.push(`${where}: required header ${name} is missing`);
        continue;
      }
      const schema = resolved.schema ?? {};
      const check = compiler.compile(schema);
      if (!check(headerValue(raw, "type" in schema ? schema : {}))) problems.push(...describeSchemaErrors(check.errors).map((e) => `${where}: header ${name} ${JSON.stringify(raw)}: ${e}`));
    }

    const content = described.content ?? {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      if (response.text !== "") problems.push(`${where}: no body is documented, got ${JSON.stringify(response.text.slice(0, 200))}`);
      return problems;
    }
    const received = mediaTypeOf(response.headers.get("content-type"));
    const key = matchMediaType(mediaTypes, received);
    if (key === undefined) {
      problems.push(`${where}: content type ${JSON.stringify(received || "(none)")} is not documented (documented: ${mediaTypes.join(", ")})`);
      return problems;
    }
    const schema = content[key]?.schema;
    if (schema === undefined) return problems;
    let body: unknown = response.text;
    if (isJsonMediaType(received)) {
      try {
        body = JSON.parse(response.text) as unknown;
      } catch {
        problems.push(`${where}: body is not valid JSON: ${JSON.stringify(response.text.slice(0, 200))}`);
        return problems;
      }
    }
    const check = compiler.compile(schema);
    if (!check(body)) problems.push(...describeSchemaErrors(check.errors).map((e) => `${where}: body ${e}`));
    return problems;
  };

  return { serverPath, findOperation, validate };
}
