/**
 * The validating client must reject every kind of mismatch, or the contract tests prove nothing: a
 * stub server answers canned responses and the client checks them against the real document.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../../../src/functions/http/openapi/document.js";
import { ContractViolationError, createApiClient, type ApiClient } from "./validatingClient.js";

interface Canned {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const DIGEST = `sha256:${"a".repeat(64)}`;
const deployment = {
  id: "dep-1",
  target: "web",
  image: { loginServer: "acr.azurecr.io", repository: "team/web", tag: "v2" },
  status: "Building",
  trigger: { kind: "api" },
  createdAt: "2026-11-28T09:00:00.000Z",
  updatedAt: "2026-11-28T09:01:00.000Z",
  steps: [{ name: "build", status: "running", startedAt: "2026-11-28T09:00:01.000Z" }],
};

let server: Server;
let client: ApiClient;
let next: Canned = { status: 200 };
let seen: { method: string; url: string; headers: Record<string, string | string[] | undefined> } | undefined;

beforeAll(async () => {
  server = createServer((request, response) => {
    seen = { method: request.method ?? "", url: request.url ?? "", headers: request.headers };
    request.resume();
    response.writeHead(next.status, next.headers ?? {});
    response.end(next.body ?? "");
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  client = createApiClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, functionKey: "k1", document: buildOpenApiDocument() });
});

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
});

async function violations(method: string, path: string, canned: Canned): Promise<string[]> {
  next = canned;
  const error = await client.request(method, path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractViolationError);
  return [...(error as ContractViolationError).violations];
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Canned => ({ status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("validating client", () => {
  it("accepts a conforming response and returns the parsed body, sending the key in the header", async () => {
    next = json(deployment);
    const response = await client.request<typeof deployment>("GET", "/deployments/dep-1");
    expect(response).toMatchObject({ status: 200, operationId: "getDeployment", body: deployment });
    expect(seen).toMatchObject({ method: "GET", url: "/api/deployments/dep-1" });
    expect(seen?.headers["x-functions-key"]).toBe("k1");
  });

  it("sends the key as ?code=, another key, or none, and JSON bodies with their content type", async () => {
    next = json({ id: "dep-1", statusUrl: "http://127.0.0.1/api/deployments/dep-1" }, 202, { location: "/api/deployments/dep-1", "retry-after": "5" });
    await client.request("POST", "/deployments", { body: { target: "web" }, keyIn: "query", query: { extra: "x" } });
    expect(seen?.url).toBe("/api/deployments?extra=x&code=k1");
    expect(seen?.headers["content-type"]).toBe("application/json");
    next = { status: 401 };
    await client.request("GET", "/targets", { key: "other" });
    expect(seen?.headers["x-functions-key"]).toBe("other");
    await client.request("GET", "/targets", { key: false });
    expect(seen?.headers["x-functions-key"]).toBeUndefined();
  });

  it("rejects an undocumented status", async () => {
    expect(await violations("GET", "/deployments/dep-1", json(deployment, 418))).toEqual([expect.stringContaining("status 418 is not documented")]);
  });

  it("rejects an undocumented path or method", async () => {
    expect(await violations("GET", "/nowhere", json({}))).toEqual([expect.stringContaining("not described")]);
    expect(await violations("PUT", "/deployments/dep-1", json({}))).toEqual([expect.stringContaining("not described")]);
  });

  it("rejects a wrong content type", async () => {
    const problem = { type: "urn:aca-rollout:problem:not-found", title: "Not found", status: 404 };
    expect(await violations("GET", "/deployments/dep-1", json(problem, 404))).toEqual([expect.stringContaining('content type "application/json" is not documented')]);
  });

  it("rejects a body that does not match the schema: missing, extra and mistyped fields", async () => {
    const { steps: _steps, ...missing } = deployment;
    expect(await violations("GET", "/deployments/dep-1", json(missing))).toEqual([expect.stringContaining("must have required property 'steps'")]);
    expect((await violations("GET", "/deployments/dep-1", json({ ...deployment, surprise: 1 })))[0]).toContain("must NOT have additional properties");
    expect((await violations("GET", "/deployments/dep-1", json({ ...deployment, status: "Exploded" })))[0]).toContain("/status must be equal to one of the allowed values");
    expect((await violations("GET", "/deployments/dep-1", { status: 200, headers: { "content-type": "application/json" }, body: "{not json" }))[0]).toContain("not valid JSON");
  });

  it("rejects a problem of the wrong kind for its status", async () => {
    const wrongType = { type: "urn:aca-rollout:problem:conflict", title: "Not found", status: 404 };
    const found = await violations("GET", "/deployments/dep-1", { status: 404, headers: { "content-type": "application/problem+json" }, body: JSON.stringify(wrongType) });
    expect(found.join("\n")).toContain("/type must be equal to one of the allowed values");
  });

  it("rejects missing and malformed required headers", async () => {
    const accepted = { id: "dep-1", statusUrl: "http://127.0.0.1/api/deployments/dep-1" };
    expect(await violations("POST", "/deployments", json(accepted, 202, { location: "/api/deployments/dep-1" }))).toEqual([expect.stringContaining("required header Retry-After is missing")]);
    expect(await violations("POST", "/deployments", json(accepted, 202, { location: "/api/deployments/dep-1", "retry-after": "soon" }))).toEqual([expect.stringContaining("header Retry-After")]);
  });

  it("rejects a body where none is documented", async () => {
    next = { status: 204 };
    await expect(client.request("DELETE", `/targets/web/quarantine/${DIGEST}`)).resolves.toMatchObject({ status: 204, body: undefined });
    expect(await violations("GET", "/targets", { status: 401, headers: { "content-type": "text/plain" }, body: "nope" })).toEqual([expect.stringContaining("no body is documented")]);
  });

  it("prefers concrete paths and resolves absolute URLs such as a statusUrl", async () => {
    next = json({ id: "dep-1", statusUrl: "http://127.0.0.1/api/deployments/dep-1" }, 202, { location: "http://127.0.0.1/api/deployments/dep-1", "retry-after": "10" });
    const response = await client.request("POST", client.url("/deployments/dep-1/cancel"));
    expect(response.operationId).toBe("cancelDeployment");
  });
});
