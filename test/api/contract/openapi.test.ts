/**
 * The served document is a valid OpenAPI 3.1 document, and it describes exactly the HTTP functions
 * the product registers: every `app.http` route and method is in it, and nothing else is, with the
 * same anonymous/function-key split.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument, PATH_ITEM_METHODS, type OpenApiDocument, type PathItemObject } from "../../../src/functions/http/openapi/document.js";
import { toHttpFunctionSpec } from "../../../src/local/http/httpFunction.js";
import { startLocalRuntime, type LocalRuntime } from "../../../src/local/host.js";
import { productFunctionModules } from "./contractWorld.js";
import { validateOpenApiDocument } from "./documentValidator.js";
import { createApiClient, fetchOpenApiDocument } from "./validatingClient.js";

/** A Functions route template as an OpenAPI path: `deployments/{id:regex(...)}` → `/deployments/{id}`. */
function openApiPathOf(route: string): string {
  return `/${route.replace(/^\/+/, "")}`.replace(/\{\*?([A-Za-z0-9_]+)[^}]*\}/g, "{$1}");
}

let runtime: LocalRuntime;
let dataDir: string;
let served: OpenApiDocument;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "aca-openapi-"));
  runtime = await startLocalRuntime({ functionModules: productFunctionModules(), dataDir, log: () => {} });
  served = await fetchOpenApiDocument(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/openapi.json", () => {
  it("is served anonymously, validates against its own description, and is a valid OpenAPI 3.1 document", async () => {
    const client = createApiClient({ baseUrl: runtime.url, functionKey: runtime.functionKey, document: served });
    const response = await client.request<OpenApiDocument>("GET", "/openapi.json", { key: false });
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\.1\./);
    expect(await validateOpenApiDocument(response.body)).toEqual([]);
    expect(response.body).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    expect(response.body.servers).toEqual([{ url: "/api" }]);
  });

  it("the document validator rejects a broken document (so the check above can fail)", async () => {
    const broken = structuredClone(served) as unknown as { components: { schemas: Record<string, Record<string, unknown>> }; paths: Record<string, unknown> };
    broken.components.schemas.Problem!.requried = ["type"];
    expect((await validateOpenApiDocument(broken)).join("\n")).toContain('unknown keyword: "requried"');
    const dangling = structuredClone(served) as unknown as { paths: Record<string, { get?: { responses: Record<string, unknown> } }> };
    dangling.paths["/health"]!.get!.responses["200"] = { $ref: "#/components/responses/Nope" };
    expect(await validateOpenApiDocument(dangling)).not.toEqual([]);
    expect(await validateOpenApiDocument({ ...served, openapi: "3.0.3" })).not.toEqual([]);
  });
});

describe("route coverage", () => {
  const registered = (): Map<string, { methods: Set<string>; anonymous: boolean; name: string }> => {
    const routes = new Map<string, { methods: Set<string>; anonymous: boolean; name: string }>();
    for (const fn of runtime.registry.http.values()) {
      const spec = toHttpFunctionSpec(fn);
      const path = openApiPathOf(spec.route);
      const entry = routes.get(path) ?? { methods: new Set<string>(), anonymous: spec.authLevel === "anonymous", name: spec.name };
      for (const method of spec.methods) entry.methods.add(method.toLowerCase());
      routes.set(path, entry);
    }
    return routes;
  };

  // Paths with their own servers are not under /api: the Event Grid extension's endpoint, documented
  // for the app.eventGrid functions it delivers to (checked separately below).
  const underApi = (): [string, PathItemObject][] => Object.entries(served.paths).filter(([, item]) => item.servers === undefined);

  const documented = (): Map<string, Set<string>> => new Map(underApi().map(([path, item]) => [path, new Set(PATH_ITEM_METHODS.filter((m) => item[m] !== undefined))]));

  it("the Event Grid extension's path is documented exactly for the registered app.eventGrid functions, and served", async () => {
    const eventGridFunctions = [...runtime.registry.triggeredBy("eventGridTrigger").keys()];
    const item = served.paths["/runtime/webhooks/eventgrid"];
    const names = (item?.parameters ?? []).flatMap((p) => ("name" in p && p.name === "functionName" && "schema" in p && p.schema && "enum" in p.schema ? (p.schema.enum as string[]) : []));
    expect(names.sort()).toEqual(eventGridFunctions.sort());
    expect(item?.servers).toEqual([{ url: "/", description: expect.any(String) }]);
    // Served: the validation handshake reaches the extension endpoint (no key: 401, not 404).
    const response = await fetch(`${runtime.url}/runtime/webhooks/eventgrid?functionName=acrImagePushed`, { method: "POST", headers: { "aeg-event-type": "Notification" }, body: "[]" });
    expect(response.status).toBe(401);
  });

  it("converts Functions route templates to OpenAPI paths", () => {
    expect(openApiPathOf("deployments/{id}/cancel")).toBe("/deployments/{id}/cancel");
    expect(openApiPathOf("targets/{name:regex(^[a-z]+$)}/quarantine/{digest}")).toBe("/targets/{name}/quarantine/{digest}");
    expect(openApiPathOf("files/{*rest}")).toBe("/files/{rest}");
  });

  it("every registered route and method is documented", () => {
    const routes = registered();
    expect(routes.size).toBeGreaterThanOrEqual(2);
    const missing = [...routes].flatMap(([path, { methods, name }]) => [...methods].filter((m) => !documented().get(path)?.has(m)).map((m) => `${m.toUpperCase()} ${path} (${name})`));
    expect(missing).toEqual([]);
  });

  it("every documented operation is a registered route", () => {
    const routes = registered();
    const extra = [...documented()].flatMap(([path, methods]) => [...methods].filter((m) => !routes.get(path)?.methods.has(m)).map((m) => `${m.toUpperCase()} ${path}`));
    expect(extra).toEqual([]);
  });

  it("anonymous functions are exactly the operations with security: []", () => {
    const routes = registered();
    for (const [path, item] of underApi()) {
      for (const method of PATH_ITEM_METHODS) {
        const operation = item[method];
        if (!operation || !routes.has(path)) continue;
        const anonymous = Array.isArray(operation.security) && operation.security.length === 0;
        expect({ operation: `${method.toUpperCase()} ${path}`, anonymous }).toEqual({ operation: `${method.toUpperCase()} ${path}`, anonymous: routes.get(path)!.anonymous });
      }
    }
  });

  it("a method a documented path does not support answers 405 with Allow naming exactly the documented methods", async () => {
    const sample = (path: string): string => path.replace("{id}", "dep-1").replace("{name}", "web").replace("{digest}", `sha256:${"a".repeat(64)}`);
    for (const [path, methods] of documented()) {
      const unsupported = ["PUT", "PATCH", "DELETE", "POST", "GET"].find((m) => !methods.has(m.toLowerCase()))!;
      const response = await fetch(`${runtime.url}/api${sample(path)}`, { method: unsupported });
      const allow = [...methods].map((m) => m.toUpperCase()).sort().join(", ");
      expect({ path, unsupported, status: response.status, allow: response.headers.get("allow") }).toEqual({ path, unsupported, status: 405, allow });
    }
  });
});
