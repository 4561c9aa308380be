/**
 * Reading request bodies and writing small JSON answers on node:http, shared by the HTTP host and
 * the rpc endpoint. Bodies are capped like the Functions host's request size limit.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** The Functions host's default maximum request body (100 MB). */
export const MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024;

/** Raised when a body exceeds the limit; the caller answers 413. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds ${limit} bytes.`);
    this.name = "BodyTooLargeError";
  }
}

const EMPTY = Buffer.alloc(0);

/** Reads the whole body; resolves an empty buffer when there is none. */
export function readRequestBody(request: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const declared = request.headers["content-length"];
  if (declared === "0") {
    request.resume();
    return Promise.resolve(EMPTY);
  }
  if (declared !== undefined && Number(declared) > limit) {
    request.resume();
    return Promise.reject(new BodyTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.once("end", () => {
      if (!failed) resolve(chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    request.once("error", (error) => {
      if (!failed) reject(error);
    });
  });
}

/** Answers with a status, optional headers and an optional JSON body. */
export function sendJson(response: ServerResponse, status: number, body?: unknown, headers?: Record<string, string>): void {
  if (headers) for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (body === undefined) {
    response.statusCode = status;
    response.setHeader("Content-Length", "0");
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader("Content-Type", "application/json; charset=utf-8");
  response.setHeader("Content-Length", Buffer.byteLength(text));
  response.end(text);
}

/** Answers with a status and no body (the host's 401/404/500 are empty). */
export function sendEmpty(response: ServerResponse, status: number): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.statusCode = status;
  response.setHeader("Content-Length", "0");
  response.end();
}
