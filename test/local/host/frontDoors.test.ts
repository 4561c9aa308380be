/**
 * The HTTP host and the Durable rpc surface over a fake engine: routing, auth levels, response
 * conversion, and the real durable-functions client talking to the served rpc endpoint and webhooks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as df from "durable-functions";
import { app, HttpResponse, type HttpFunctionOptions, type HttpHandler } from "@azure/functions";
import { openFrontDoors, type FrontDoors } from "../../../src/local/http/frontDoors.js";
import { toHttpFunctionSpec } from "../../../src/local/http/httpFunction.js";
import type { FunctionLogEntry } from "../../../src/local/http/invokeHttpFunction.js";
import { isDurableClientInput } from "../../../src/local/rpc/clientBinding.js";
import { installCoreModule } from "../../../src/local/worker/coreModule.js";
import { FunctionRegistry } from "../../../src/local/worker/functionRegistry.js";
import { FakeEngine } from "../../fixtures/host/fakeEngine.js";

// Functions register through @azure/functions-core, as in the worker.
installCoreModule();
const registry = new FunctionRegistry();

const FUNCTION_KEY = "function-key-for-tests";
const MASTER_KEY = "master-key-for-tests";
const clientInput = df.input.durableClient();

const logs: FunctionLogEntry[] = [];
const engine = new FakeEngine();
let doors: FrontDoors;

function fn(name: string, options: Omit<HttpFunctionOptions, "handler">, handler: HttpHandler) {
  app.http(name, { ...options, handler });
  const indexed = registry.http.get(name);
  if (!indexed) throw new Error(`${name} was not registered`);
  return toHttpFunctionSpec(indexed);
}

beforeAll(async () => {
  process.env.WEBSITE_HOSTNAME = "127.0.0.1";
  doors = await openFrontDoors({
    functions: [
      fn("hello", { route: "hello/{name}", methods: ["GET"] }, async (request, context) => {
        context.log("hello called");
        return { jsonBody: { name: request.params.name, q: request.query.get("q"), fn: context.functionName } };
      }),
      fn("item", { route: "items/{id:int}", methods: ["GET"] }, async (request) => ({ body: `item ${request.params.id}` })),
      fn("secure", { authLevel: "function", methods: ["GET", "POST"] }, async (request) => ({ status: 201, body: await request.text() })),
      fn("adminOnly", { authLevel: "admin", methods: ["GET"] }, async () => ({ body: "admin" })),
      fn("boom", { methods: ["GET"] }, async () => {
        throw new Error("handler exploded with a secret-ish detail");
      }),
      // Typed handlers must return a response; plain JS ones may return nothing, which the host answers with 204.
      fn("nothing", { methods: ["GET"] }, (async () => undefined) as unknown as HttpHandler),
      fn("rich", { methods: ["GET"] }, async () =>
        new HttpResponse({ status: 202, headers: { "x-custom": "yes" }, cookies: [{ name: "c", value: "1", httpOnly: true }], body: new Uint8Array([104, 105]) }),
      ),
      fn("start", { route: "start/{orchestrator}/{instanceId?}", methods: ["POST"], extraInputs: [clientInput] }, async (request, context) => {
        const client = df.getClient(context);
        const input: unknown = await request.json();
        const id = await client.startNew(request.params.orchestrator!, { instanceId: request.params.instanceId, input });
        return client.createCheckStatusResponse(request, id);
      }),
      fn("status", { route: "status/{id}", methods: ["GET"], extraInputs: [clientInput] }, async (request, context) => {
        const status = await df.getClient(context).getStatus(request.params.id!, { showHistory: true });
        return { jsonBody: status };
      }),
      fn("raise", { route: "raise/{id}/{event}", methods: ["POST"], extraInputs: [clientInput] }, async (request, context) => {
        await df.getClient(context).raiseEvent(request.params.id!, request.params.event!, { ok: true });
        return { status: 202 };
      }),
      fn("terminate", { route: "terminate/{id}", methods: ["POST"], extraInputs: [clientInput] }, async (request, context) => {
        await df.getClient(context).terminate(request.params.id!, "stop it");
        return { status: 202 };
      }),
      fn("all", { route: "all", methods: ["GET"], extraInputs: [clientInput] }, async (_request, context) => {
        const all = await df.getClient(context).getStatusAll();
        return { jsonBody: all.map((s) => s.instanceId) };
      }),
      fn("entity", { route: "entity/{key}", methods: ["POST", "GET"], extraInputs: [clientInput] }, async (request, context) => {
        const client = df.getClient(context);
        const id = new df.EntityId("counter", request.params.key!);
        if (request.method === "POST") {
          await client.signalEntity(id, "set", 5);
          return { status: 202 };
        }
        const state = await client.readEntityState<number>(id);
        return { jsonBody: state };
      }),
    ],
    keys: { functionKeys: [FUNCTION_KEY], masterKey: MASTER_KEY },
    taskHub: "testhub",
    port: 0,
    log: (entry) => logs.push(entry),
  });
  registry.log = ({ functionName, invocationId, level, message }) => logs.push({ functionName, invocationId, level, message });
  registry.inputValues = (_fn, binding) => (isDurableClientInput(binding) ? doors.binding : undefined);
  df.app.orchestration("waiter", function* () {
    yield* [];
  });
  doors.connect(engine, registry);
});

afterAll(async () => {
  await doors?.close();
  delete process.env.WEBSITE_HOSTNAME;
});

describe("HTTP host", () => {
  it("serves anonymous functions with route params, query and a JSON body", async () => {
    const response = await fetch(`${doors.url}/api/hello/world?q=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ name: "world", q: "1", fn: "hello" });
    expect(logs.some((l) => l.functionName === "hello" && l.message === "hello called")).toBe(true);
  });

  it("applies route constraints, answers 404 for unknown routes and 405 with Allow for unaccepted methods", async () => {
    expect((await fetch(`${doors.url}/api/items/12`)).status).toBe(200);
    expect(await (await fetch(`${doors.url}/api/items/12`)).text()).toBe("item 12");
    expect((await fetch(`${doors.url}/api/items/twelve`)).status).toBe(404);
    expect((await fetch(`${doors.url}/api/nowhere`)).status).toBe(404);
    const wrongMethod = await fetch(`${doors.url}/api/hello/world`, { method: "DELETE" });
    expect([wrongMethod.status, wrongMethod.headers.get("allow"), await wrongMethod.text()]).toEqual([405, "GET", ""]);
    expect((await fetch(`${doors.url}/api/items/twelve`, { method: "DELETE" })).status).toBe(404);
    expect((await fetch(`${doors.url}/hello/world`)).status).toBe(404);
  });

  it("enforces function-level keys from the header or the code query parameter", async () => {
    const missing = await fetch(`${doors.url}/api/secure`);
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe("");
    expect((await fetch(`${doors.url}/api/secure`, { headers: { "x-functions-key": "wrong" } })).status).toBe(401);
    expect((await fetch(`${doors.url}/api/secure?code=wrong`)).status).toBe(401);
    const withHeader = await fetch(`${doors.url}/api/secure`, { method: "POST", headers: { "x-functions-key": FUNCTION_KEY }, body: "payload" });
    expect(withHeader.status).toBe(201);
    expect(withHeader.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    expect(await withHeader.text()).toBe("payload");
    expect((await fetch(`${doors.url}/api/secure?code=${FUNCTION_KEY}`)).status).toBe(201);
    expect((await fetch(`${doors.url}/api/secure?code=${MASTER_KEY}`)).status).toBe(201);
  });

  it("opens admin-level functions with the master key only", async () => {
    expect((await fetch(`${doors.url}/api/adminOnly?code=${FUNCTION_KEY}`)).status).toBe(401);
    expect((await fetch(`${doors.url}/api/adminOnly`, { headers: { "x-functions-key": MASTER_KEY } })).status).toBe(200);
  });

  it("answers a throwing handler with an empty 500 and logs the error server-side", async () => {
    const response = await fetch(`${doors.url}/api/boom`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("");
    expect(logs.some((l) => l.functionName === "boom" && l.level === "error" && l.message.includes("handler exploded"))).toBe(true);
  });

  it("answers 204 when the handler returns nothing", async () => {
    const response = await fetch(`${doors.url}/api/nothing`);
    expect(response.status).toBe(204);
  });

  it("converts an HttpResponse with headers, cookies and a byte body", async () => {
    const response = await fetch(`${doors.url}/api/rich`);
    expect(response.status).toBe(202);
    expect(response.headers.get("x-custom")).toBe("yes");
    expect(response.headers.getSetCookie()).toEqual(["c=1; httponly"]);
    expect(await response.text()).toBe("hi");
  });
});

describe("Durable client through the served rpc surface", () => {
  it("starts an orchestration and returns a check-status response whose URLs answer", async () => {
    const response = await fetch(`${doors.url}/api/start/waiter/inst1`, { method: "POST", body: JSON.stringify({ n: 1 }) });
    expect(response.status).toBe(202);
    const payload = (await response.json()) as Record<string, string>;
    expect(payload.id).toBe("inst1");
    expect(response.headers.get("location")).toBe(payload.statusQueryGetUri);
    expect(payload.statusQueryGetUri).toMatch(new RegExp(`^${doors.url}/runtime/webhooks/durabletask/instances/inst1\\?taskHub=testhub&connection=Storage&code=`));
    expect(engine.instances.get("inst1")?.input).toEqual({ n: 1 });

    const status = await fetch(`${payload.statusQueryGetUri!}&showHistory=true`);
    expect(status.status).toBe(202);
    expect(status.headers.get("retry-after")).toBe("5");
    const body = (await status.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ name: "waiter", instanceId: "inst1", runtimeStatus: "Running", input: { n: 1 }, output: null, createdTime: "2026-01-01T00:00:00Z" });
    expect(body.historyEvents).toEqual([expect.objectContaining({ EventType: "ExecutionStarted" })]);

    const withoutKey = payload.statusQueryGetUri!.replace(/&code=[^&]*/, "");
    expect((await fetch(withoutKey)).status).toBe(401);
    expect((await fetch(payload.statusQueryGetUri!.replace("inst1", "nope"))).status).toBe(404);
  });

  it("rejects a duplicate live instance with 409 and an unknown orchestrator with 400", async () => {
    const duplicate = await fetch(`${doors.url}/api/start/waiter/inst1`, { method: "POST", body: "{}" });
    expect(duplicate.status).toBe(500);
    expect(logs.some((l) => l.functionName === "start" && l.message.includes("409"))).toBe(true);
    const rpc = await fetch(`${doors.rpcBaseUrl}orchestrators/missing`, { method: "POST", body: "" });
    expect(rpc.status).toBe(400);
    const conflict = await fetch(`${doors.rpcBaseUrl}orchestrators/waiter/inst1`, { method: "POST", body: "" });
    expect(conflict.status).toBe(409);
  });

  it("reads status through getStatus, raises events and terminates", async () => {
    const status = (await (await fetch(`${doors.url}/api/status/inst1`)).json()) as Record<string, unknown>;
    expect(status.runtimeStatus).toBe("Running");
    expect(status.instanceId).toBe("inst1");

    expect((await fetch(`${doors.url}/api/raise/inst1/approve`, { method: "POST" })).status).toBe(202);
    expect(engine.eventsOf("inst1")).toEqual([{ name: "approve", data: { ok: true } }]);
    expect((await fetch(`${doors.url}/api/raise/unknown/approve`, { method: "POST" })).status).toBe(500);

    expect((await fetch(`${doors.url}/api/terminate/inst1`, { method: "POST" })).status).toBe(202);
    const after = (await (await fetch(`${doors.url}/api/status/inst1`)).json()) as Record<string, unknown>;
    expect(after.runtimeStatus).toBe("Terminated");
    // A second terminate gets 410 from the extension, which the client treats as success.
    expect((await fetch(`${doors.url}/api/terminate/inst1`, { method: "POST" })).status).toBe(202);
    expect((await fetch(`${doors.rpcBaseUrl}instances/inst1/terminate?reason=x`, { method: "POST" })).status).toBe(410);
    expect((await fetch(`${doors.rpcBaseUrl}instances/inst1/raiseEvent/late`, { method: "POST", headers: { "content-type": "application/json" }, body: "1" })).status).toBe(410);
  });

  it("lists every instance across continuation pages", async () => {
    for (let i = 0; i < 4; i++) await engine.startNew("waiter", { instanceId: `list${i}` });
    const page = await fetch(`${doors.rpcBaseUrl}instances/?top=2`);
    expect(page.headers.get("x-ms-continuation-token")).toBe("2");
    expect(((await page.json()) as unknown[]).length).toBe(2);
    const ids = (await (await fetch(`${doors.url}/api/all`)).json()) as string[];
    expect(new Set(ids)).toEqual(new Set(["inst1", "list0", "list1", "list2", "list3"]));
  });

  it("purges only finished instances", async () => {
    expect((await fetch(`${doors.rpcBaseUrl}instances/list0`, { method: "DELETE" })).status).toBe(412);
    engine.setStatus("list0", "Completed", 42);
    const purged = await fetch(`${doors.rpcBaseUrl}instances/list0`, { method: "DELETE" });
    expect(purged.status).toBe(200);
    expect(await purged.json()).toEqual({ instancesDeleted: 1 });
    expect((await fetch(`${doors.rpcBaseUrl}instances/list0`, { method: "DELETE" })).status).toBe(404);
  });

  it("signals and reads entities", async () => {
    expect((await fetch(`${doors.url}/api/entity/k1`, { method: "POST" })).status).toBe(202);
    expect(engine.signals.at(-1)).toEqual({ entity: { name: "counter", key: "k1" }, operation: "set", input: 5 });
    expect(await (await fetch(`${doors.url}/api/entity/k1`)).json()).toEqual({ entityExists: true, entityState: 5 });
    expect(await (await fetch(`${doors.url}/api/entity/k2`)).json()).toEqual({ entityExists: false });
  });

  it("answers 404 for paths outside the rpc surface", async () => {
    expect((await fetch(`${doors.rpcBaseUrl}nothing/here`)).status).toBe(404);
    expect((await fetch(doors.rpcBaseUrl.replace("/durabletask/", "/other"))).status).toBe(404);
  });
});

describe("purge by filter", () => {
  it("purges finished instances created in the window and answers 404 when none matched", async () => {
    await engine.startNew("waiter", { instanceId: "window1" });
    engine.setStatus("window1", "Failed", "boom");
    const live = await engine.startNew("waiter", { instanceId: "window2" });
    const purged = await fetch(`${doors.rpcBaseUrl}instances/?createdTimeFrom=2026-01-01T00:00:00Z`, { method: "DELETE" });
    expect(purged.status).toBe(200);
    expect(((await purged.json()) as { instancesDeleted: number }).instancesDeleted).toBeGreaterThanOrEqual(1);
    expect(engine.instances.has("window1")).toBe(false);
    expect(engine.instances.has(live)).toBe(true);
    expect((await fetch(`${doors.rpcBaseUrl}instances/?createdTimeFrom=2030-01-01T00:00:00Z`, { method: "DELETE" })).status).toBe(404);
    expect((await fetch(`${doors.rpcBaseUrl}instances/`, { method: "DELETE" })).status).toBe(400);
  });
});
