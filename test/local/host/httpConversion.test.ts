/**
 * HTTP request and response conversion through real HTTP, the library's InvocationModel and the RPC
 * data host and worker exchange. Each expectation names where the behaviour is defined:
 * - [host]    azure-functions-host, GrpcMessageConversionExtensions.ToRpcHttp (request to RPC) with the
 *             Node worker's capabilities (azure-functions-nodejs-worker getWorkerCapabilities.ts:
 *             RawHttpBodyBytes, RpcHttpBodyOnly, UseNullableValueDictionaryForHttp);
 * - [library] @azure/functions 4.x: http/HttpRequest.ts, http/HttpResponse.ts, converters/toRpcHttp.ts,
 *             converters/toRpcHttpCookie.ts, InvocationModel.ts;
 * - [docs]    "Azure Functions HTTP trigger" (Node.js v4 model): default status 200, jsonBody sets
 *             application/json, an unhandled error answers 500.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startLocalRuntime, type LocalRuntime } from "../../../src/local/host.js";
import type { FunctionLogEntry } from "../../../src/local/http/invokeHttpFunction.js";

const logs: FunctionLogEntry[] = [];
let runtime: LocalRuntime;
let dataDir: string;

/** A raw request, so repeated headers stay repeated on the wire (fetch would merge them). */
function raw(method: string, path: string, headers: Array<[string, string]>, body?: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, runtime.url);
    // Raw header arrays get no defaults from node: Host is ours to send.
    const flat: string[] = [["Host", url.host], ...headers].flat();
    const req = httpRequest({ method, hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers: body ? [...flat, "Content-Length", String(body.length)] : flat }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "aca-rollout-conversion-"));
  runtime = await startLocalRuntime({
    functionModules: async () => {
      await import("../../fixtures/host/conversionApp.js");
    },
    clock: new VirtualClock("2026-03-01T00:00:00.000Z"),
    dataDir,
    log: (entry) => logs.push(entry),
  });
});

afterAll(async () => {
  await runtime?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("HTTP request conversion", () => {
  it("hands the handler multi-value headers joined by ',' under case-insensitive names, the query and route params", async () => {
    const response = await raw("GET", "/api/echo/42?a=1&a=2&empty=", [["X-Multi", "first"], ["X-Multi", "second"], ["X-Mixed-Case", "Value"]]);
    expect(response.status).toBe(200);
    const seen = JSON.parse(response.body.toString("utf8")) as Record<string, unknown>;
    // [host] header names lower-cased, a repeated header's values joined by StringValues.ToString() (",").
    expect(seen.multi).toBe("first,second");
    // [library] request.headers is a WHATWG Headers: names are case-insensitive.
    expect(seen.mixedCase).toBe("Value");
    // [host] the query is ASP.NET's QueryCollection (repeated keys joined by ","), sent as a nullable
    // dictionary so an empty value survives; [library] request.query is built from that dictionary.
    expect(seen.queryA).toEqual(["1,2"]);
    expect(seen.queryEmpty).toBe("");
    // [host] route values that matched; an optional parameter that did not match is absent.
    expect(seen.params).toEqual({ id: "42" });
    expect(seen.url).toBe(`${runtime.url}/api/echo/42?a=1&a=2&empty=`);
  });

  it("hands the handler a binary body byte for byte", async () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255, 0x80, 0x0d, 0x0a]);
    // [host] RawHttpBodyBytes: the body goes to the worker as bytes, whatever its content type.
    const response = await raw("PUT", "/api/echo/7/named", [["Content-Type", "application/octet-stream"]], bytes);
    const seen = JSON.parse(response.body.toString("utf8")) as Record<string, unknown>;
    expect(seen.bodyHex).toBe(bytes.toString("hex"));
    expect(seen.params).toEqual({ id: "7", name: "named" });
    expect(seen.method).toBe("PUT");
  });
});

describe("HTTP response conversion", () => {
  it("defaults the status to 200 and a string body to text/plain;charset=UTF-8", async () => {
    const response = await fetch(`${runtime.url}/api/status-default`);
    // [docs]/[library] HttpResponse: status defaults to 200; a string body gets the WHATWG Response's content type.
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    expect(await response.text()).toBe("no status given");
  });

  it("prefers jsonBody over body, defaulting the content type to application/json unless one is given", async () => {
    const json = await fetch(`${runtime.url}/api/json-body`);
    // [library] HttpResponse constructor: jsonBody is stringified and wins; content-type application/json if unset.
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(await json.text()).toBe('{"ok":true}');
    const typed = await fetch(`${runtime.url}/api/json-body-typed`);
    expect(typed.headers.get("content-type")).toBe("application/vnd.acme+json");
    expect(await typed.json()).toEqual([1, 2]);
  });

  it("returns binary bodies unchanged", async () => {
    const response = await fetch(`${runtime.url}/api/binary`);
    // [library] toRpcHttp sends the body as bytes; [host] writes them as they are.
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0, 255, 1, 254]));
  });

  it("keeps the status, and sends response header values as the library's Headers joins them", async () => {
    const response = await raw("GET", "/api/headers", []);
    expect(response.status).toBe(201);
    // [library] toRpcHttp copies Headers.entries(): names lower-cased, repeated values joined by ", ".
    expect(response.headers["x-multi"]).toBe("a, b");
    expect(response.headers["x-mixed-case"]).toBe("Value");
  });

  it("sends one Set-Cookie per cookie with its attributes", async () => {
    const response = await raw("GET", "/api/cookies", []);
    expect(response.status).toBe(200);
    // [library] toRpcHttpCookie (sameSite "None" becomes explicitNone; an unset one sends no attribute);
    // [host] writes each cookie's attributes in ASP.NET Core's SetCookieHeaderValue order.
    expect(response.headers["set-cookie"]).toEqual(["session=abc; max-age=60; path=/; secure; samesite=strict; httponly", "pref=dark; samesite=none"]);
  });

  it("answers 500 without details when the handler throws, and logs the failure", async () => {
    const response = await fetch(`${runtime.url}/api/throws`);
    // [docs] an unhandled error fails the invocation; the host answers 500 and sends no exception details.
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("");
    expect(logs.some((l) => l.functionName === "throws" && l.level === "error" && l.message.includes("secret detail"))).toBe(true);
  });
});
