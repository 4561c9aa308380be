/**
 * Reads a JSON request body strictly: `application/json` only, at most {@link MAX_BODY_BYTES}, valid
 * JSON. Anything else becomes the matching problem response, so a handler never starts work on a
 * request it only half understood.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { PROBLEM_TYPES, problemResponse, type ProblemType } from "./problem.js";

/** The largest request body accepted (64 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;

/** The body, or the response to send instead. */
export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; response: HttpResponseInit };

/** Reads and parses the body of a JSON request. */
export async function readJsonBody(request: HttpRequest): Promise<JsonBodyResult> {
  const contentType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== "application/json") {
    return fail(415, PROBLEM_TYPES.unsupportedMediaType, `Send the body as application/json${contentType ? `, not ${contentType}` : ""}.`, "/headers/content-type");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return tooLarge();
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) return tooLarge();
  if (bytes.length === 0) return fail(400, PROBLEM_TYPES.malformedJson, "The request body is empty.", "");
  try {
    return { ok: true, value: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as unknown };
  } catch (error) {
    return fail(400, PROBLEM_TYPES.malformedJson, `The request body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}.`, "");
  }
}

function tooLarge(): JsonBodyResult {
  return fail(413, PROBLEM_TYPES.payloadTooLarge, `The request body exceeds ${MAX_BODY_BYTES} bytes.`, "");
}

function fail(status: number, type: ProblemType, detail: string, pointer: string): JsonBodyResult {
  return { ok: false, response: problemResponse({ type, status, detail, errors: [{ pointer, detail }] }) };
}
