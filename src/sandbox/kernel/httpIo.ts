/**
 * Node HTTP plumbing for the sandbox front: reading a request body, decoding JSON, and writing a
 * {@link SandboxReply} (JSON, text or bytes) with the headers every response carries.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxReply } from "./types.js";

/** Bodies above this are refused, so a runaway client cannot exhaust memory. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

/** Reads the whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Node's headers flattened to one string per (lowercase) name. */
export function flattenHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return headers;
}

/** The decoded JSON body: `undefined` when empty or not JSON-typed, `invalid` when it does not parse. */
export function decodeJsonBody(raw: Buffer, contentType: string | undefined): { ok: true; body: unknown } | { ok: false } {
  if (raw.length === 0) return { ok: true, body: undefined };
  const type = (contentType ?? "").toLowerCase();
  const looksJson = type.includes("json") || (type === "" && /^\s*[[{]/.test(raw.subarray(0, 64).toString("utf8")));
  if (!looksJson) return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(raw.toString("utf8")) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Writes `reply` with `baseHeaders`; JSON unless the body is a Buffer or string. HEAD gets no body. */
export function writeReply(res: ServerResponse, method: string, reply: SandboxReply, baseHeaders: Record<string, string>): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...baseHeaders, ...reply.headers })) headers[name.toLowerCase()] = value;
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(reply.body)) {
    payload = reply.body;
    headers["content-type"] ??= "application/octet-stream";
  } else if (typeof reply.body === "string") {
    payload = Buffer.from(reply.body, "utf8");
    headers["content-type"] ??= "text/plain; charset=utf-8";
  } else if (reply.body !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.body), "utf8");
    headers["content-type"] ??= "application/json; charset=utf-8";
  }
  headers["content-length"] ??= String(payload?.length ?? 0);
  res.writeHead(reply.status, headers);
  res.end(method === "HEAD" ? undefined : payload);
}
