/**
 * Writes a function's RPC HTTP output as the host writes it: the status code it names (200 when it
 * names none), its headers, one `Set-Cookie` per cookie (ASP.NET Core's attribute order), and the body
 * bytes. The library has already applied its conversions (status default, `jsonBody`, content types)
 * in `toRpcHttp`. No output at all (the handler returned nothing) is a 204.
 */
import type { ServerResponse } from "node:http";
import type { RpcHttpCookie, RpcHttpData } from "../worker/coreTypes.js";
import { readTypedData } from "../worker/typedData.js";

const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const HOP_HEADERS = new Set(["content-length", "transfer-encoding", "connection"]);

/** Serialises one RPC cookie as a `Set-Cookie` value. */
export function serializeRpcCookie(cookie: RpcHttpCookie): string {
  let text = `${cookie.name ?? ""}=${cookie.value ?? ""}`;
  const expires = cookie.expires?.value;
  if (expires) text += `; expires=${new Date((Number(expires.seconds ?? 0) * 1000) + Math.floor((expires.nanos ?? 0) / 1e6)).toUTCString()}`;
  const maxAge = cookie.maxAge?.value;
  if (maxAge !== undefined && maxAge !== null) text += `; max-age=${Math.trunc(maxAge)}`;
  if (cookie.domain?.value) text += `; domain=${cookie.domain.value}`;
  if (cookie.path?.value) text += `; path=${cookie.path.value}`;
  if (cookie.secure?.value) text += "; secure";
  // The library sends 'none' for "not set" and 'explicitNone' for SameSite=None.
  if (cookie.sameSite === "explicitNone") text += "; samesite=none";
  else if (cookie.sameSite === "lax" || cookie.sameSite === "strict") text += `; samesite=${cookie.sameSite}`;
  if (cookie.httpOnly?.value) text += "; httponly";
  return text;
}

function bodyBytes(http: RpcHttpData): Buffer | undefined {
  const value = readTypedData(http.body);
  if (value === undefined || value === null) return undefined;
  if (Buffer.isBuffer(value)) return value;
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value), "utf8");
}

/** Writes the RPC HTTP output; `undefined` (no output) answers 204. */
export function writeHttpResponse(response: ServerResponse, http: RpcHttpData | undefined): void {
  if (!http) {
    response.statusCode = 204;
    response.end();
    return;
  }
  const status = http.statusCode ? Number.parseInt(http.statusCode, 10) : 200;
  response.statusCode = Number.isInteger(status) ? status : 200;
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    if (HOP_HEADERS.has(name.toLowerCase()) || name.toLowerCase() === "set-cookie") continue;
    response.setHeader(name, value);
  }
  const setCookies = [...(http.headers?.["set-cookie"] ? [http.headers["set-cookie"]] : []), ...(http.cookies ?? []).map(serializeRpcCookie)];
  if (setCookies.length > 0) response.setHeader("Set-Cookie", setCookies);
  const body = bodyBytes(http);
  if (NULL_BODY_STATUSES.has(response.statusCode)) {
    response.end();
    return;
  }
  response.setHeader("Content-Length", body?.length ?? 0);
  response.end(body);
}
