/**
 * Sends a handler's result back to the caller as the Functions host does: nothing → 204; an
 * `HttpResponseInit` or `HttpResponse` → its status, headers, cookies and body (`jsonBody` wins over
 * `body` and defaults the content type to application/json; a string body defaults to
 * text/plain;charset=UTF-8, as the WHATWG `Response` the library builds would). Plain string, bytes
 * and JSON results skip building a `Response`, since this sits on the hot path of webhook intake.
 */
import type { ServerResponse } from "node:http";
import functions from "@azure/functions";
import type { Cookie, HttpResponseInit } from "@azure/functions";

// The package is a CommonJS bundle whose classes Node cannot see as named ESM exports.
const { HttpResponse } = functions;

/** Raised for results the worker would refuse (not an object); the host turns it into a 500. */
export class InvalidHttpResultError extends Error {
  constructor() {
    super('The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".');
    this.name = "InvalidHttpResultError";
  }
}

const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const HOP_HEADERS = new Set(["content-length", "transfer-encoding", "connection"]);

/** Serialises one cookie as a `Set-Cookie` value. */
export function serializeCookie(cookie: Cookie): string {
  let text = `${cookie.name}=${cookie.value}`;
  if (cookie.expires !== undefined) {
    const expires = typeof cookie.expires === "number" ? new Date(cookie.expires) : cookie.expires;
    text += `; expires=${expires.toUTCString()}`;
  }
  if (cookie.maxAge !== undefined) text += `; max-age=${Math.trunc(cookie.maxAge)}`;
  if (cookie.domain) text += `; domain=${cookie.domain}`;
  if (cookie.path) text += `; path=${cookie.path}`;
  if (cookie.secure) text += "; secure";
  if (cookie.sameSite) text += `; samesite=${cookie.sameSite.toLowerCase()}`;
  if (cookie.httpOnly) text += "; httponly";
  return text;
}

function isPlainBytes(value: unknown): value is Uint8Array | ArrayBuffer {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}

function checkStatus(status: number): void {
  // The library's Response constructor rejects these; the worker then reports a failed invocation.
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`Invalid HTTP status ${status}.`);
}

function finish(response: ServerResponse, status: number, headers: Headers, cookies: readonly Cookie[], body: Buffer | undefined): void {
  response.statusCode = status;
  for (const [name, value] of headers) {
    if (HOP_HEADERS.has(name) || name === "set-cookie") continue;
    response.setHeader(name, value);
  }
  const setCookies = [...headers.getSetCookie(), ...cookies.map(serializeCookie)];
  if (setCookies.length > 0) response.setHeader("Set-Cookie", setCookies);
  if (body === undefined || NULL_BODY_STATUSES.has(status)) {
    if (!NULL_BODY_STATUSES.has(status)) response.setHeader("Content-Length", "0");
    response.end();
    return;
  }
  response.setHeader("Content-Length", body.length);
  response.end(body);
}

/** Fast path for the common init shapes; undefined means "build an HttpResponse instead". */
function tryWriteInit(response: ServerResponse, init: HttpResponseInit): boolean {
  const status = init.status ?? 200;
  const jsonBody: unknown = init.jsonBody;
  const body: unknown = init.body;
  let bytes: Buffer | undefined;
  let defaultType: string | undefined;
  if (jsonBody !== undefined && jsonBody !== null) {
    const text = JSON.stringify(jsonBody) as string | undefined;
    bytes = Buffer.from(text ?? "", "utf8");
    defaultType = "application/json";
  } else if (body === undefined || body === null) {
    bytes = undefined;
  } else if (typeof body === "string") {
    bytes = Buffer.from(body, "utf8");
    defaultType = "text/plain;charset=UTF-8";
  } else if (isPlainBytes(body)) {
    bytes = Buffer.isBuffer(body) ? body : body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  } else {
    return false;
  }
  checkStatus(status);
  const headers = new Headers(init.headers);
  if (defaultType && bytes !== undefined && !NULL_BODY_STATUSES.has(status) && !headers.has("content-type")) headers.set("content-type", defaultType);
  finish(response, status, headers, init.cookies ?? [], bytes);
  return true;
}

/** Writes the handler's result; rejects for results the worker would reject (the caller answers 500). */
export async function writeHttpResponse(response: ServerResponse, result: unknown): Promise<void> {
  if (result === undefined || result === null) {
    finish(response, 204, new Headers(), [], undefined);
    return;
  }
  if (typeof result !== "object") throw new InvalidHttpResultError();
  if (!(result instanceof HttpResponse) && tryWriteInit(response, result)) return;
  const full = result instanceof HttpResponse ? result : new HttpResponse(result);
  const bytes = full.body ? Buffer.from(await full.arrayBuffer()) : undefined;
  finish(response, full.status, full.headers, full.cookies, bytes);
}
