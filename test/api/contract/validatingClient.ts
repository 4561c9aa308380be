/**
 * An HTTP client for contract tests: it performs a real request (fetch) against a running host, then
 * validates the response against the OpenAPI document (status, content type, body schema, required
 * headers) and throws {@link ContractViolationError} on any mismatch, so every call a test makes also
 * checks the document.
 */
import type { OpenApiDocument } from "../../../src/functions/http/openapi/document.js";
import { createResponseValidator, type ResponseValidator } from "./responseValidator.js";

/** What a request may carry. */
export interface ApiRequestOptions {
  /** A string or bytes are sent as is; anything else as JSON with `content-type: application/json` (unless `headers` set one). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** `false`: send no key; a string: send this key instead of the client's. */
  key?: false | string;
  /** Where the key goes: the `x-functions-key` header (default) or the `code` query parameter. */
  keyIn?: "header" | "query";
}

/** A validated response. */
export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON for JSON media types, the text otherwise, undefined when empty. */
  body: T;
  text: string;
  /** The operationId the response was validated against. */
  operationId: string;
}

/** A response that disagrees with the document. */
export class ContractViolationError extends Error {
  constructor(
    readonly request: string,
    readonly violations: readonly string[],
    readonly responseText: string,
  ) {
    super(`${request} violates the OpenAPI document:\n  - ${violations.join("\n  - ")}\n  body: ${responseText.slice(0, 500)}`);
    this.name = "ContractViolationError";
  }
}

/** How to build a client. */
export interface ApiClientOptions {
  /** The host's origin, e.g. `runtime.url` (`http://127.0.0.1:<port>`). */
  baseUrl: string;
  functionKey: string;
  document: OpenApiDocument;
}

/** The client. */
export interface ApiClient {
  readonly document: OpenApiDocument;
  readonly validator: ResponseValidator;
  /** The absolute URL for a document path (`/deployments/x`) or an absolute URL, with `query` added. */
  url(path: string, query?: ApiRequestOptions["query"]): string;
  /** Sends `method path` (a document path such as `/deployments/abc`, or an absolute URL such as a `statusUrl`) and validates the answer. */
  request<T = unknown>(method: string, path: string, options?: ApiRequestOptions): Promise<ApiResponse<T>>;
}

/** Creates a client validating against `document`. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const validator = createResponseValidator(options.document);
  const origin = options.baseUrl.replace(/\/+$/, "");

  const url = (path: string, query: ApiRequestOptions["query"] = {}): string => {
    const target = /^https?:\/\//.test(path) ? new URL(path) : new URL(`${origin}${validator.serverPath}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) target.searchParams.set(name, String(value));
    return target.href;
  };

  return {
    document: options.document,
    validator,
    url,
    async request<T>(method: string, path: string, request: ApiRequestOptions = {}): Promise<ApiResponse<T>> {
      const key = request.key === undefined ? options.functionKey : request.key;
      const headers: Record<string, string> = { ...request.headers };
      const query = { ...request.query };
      if (key !== false) {
        if (request.keyIn === "query") query.code = key;
        else headers["x-functions-key"] = key;
      }
      let body: string | Uint8Array | undefined;
      if (typeof request.body === "string" || request.body instanceof Uint8Array) {
        body = request.body;
      } else if (request.body !== undefined) {
        body = JSON.stringify(request.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
      }
      const target = url(path, query);
      const response = await fetch(target, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      const relativePath = new URL(target).pathname;
      const documentPath = relativePath.startsWith(`${validator.serverPath}/`) ? relativePath.slice(validator.serverPath.length) : relativePath;
      const requestLine = `${method.toUpperCase()} ${documentPath}`;
      const violations = validator.validate(method, documentPath, { status: response.status, headers: response.headers, text });
      if (violations.length > 0) throw new ContractViolationError(requestLine, violations, text);
      const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      const json = mediaType === "application/json" || mediaType.endsWith("+json");
      const parsed: unknown = text === "" ? undefined : json ? JSON.parse(text) : text;
      return { status: response.status, headers: response.headers, body: parsed as T, text, operationId: validator.findOperation(method, documentPath)!.operation.operationId };
    },
  };
}

/** Fetches the document a running host serves at `<baseUrl>/api/openapi.json`. */
export async function fetchOpenApiDocument(baseUrl: string): Promise<OpenApiDocument> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, "")}/api/openapi.json`);
  if (response.status !== 200) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}
