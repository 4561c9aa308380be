import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import type { CallRecord } from "../../../src/sandbox/kernel/callLog.js";
import { DEFAULT_DURATIONS } from "../../../src/sandbox/kernel/durations.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "../acr/acrClient.js";
import { sandboxRequest } from "./sandboxHttp.js";

const control = (sandbox: Sandbox, method: string, path: string, body?: unknown) => sandboxRequest(sandbox, method, `/_sandbox${path}`, { bearer: false, body });

describe("call log", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ clock: new VirtualClock("2026-05-05T05:05:05.000Z") });
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
  });

  it("records each SDK call with its RBAC operation, resource, status and correlation id, but no query string", async () => {
    const client = acrClient(sandbox);
    const upload = await client.registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY);
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, {
      type: "EncodedTaskRunRequest",
      encodedTaskContent: Buffer.from("steps:\n  - build: -t web:v1 .\n").toString("base64"),
      platform: { os: "Linux" },
    });
    await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1");
    await client.runs.getLogSasUrl(RESOURCE_GROUP, REGISTRY, "ca1");
    await client.runs.beginCancelAndWait(RESOURCE_GROUP, REGISTRY, "ca1");
    await sandboxRequest(sandbox, "PUT", upload.uploadUrl!, { bearer: false, body: Buffer.from("tar"), headers: { "x-ms-blob-type": "BlockBlob" } });

    const registryId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`;
    const calls = sandbox.callLog.calls();
    expect(calls.map((call) => [call.method, call.operation, call.resourceId, call.status])).toEqual([
      ["POST", "Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action", registryId, 200],
      ["POST", "Microsoft.ContainerRegistry/registries/scheduleRun/action", registryId, 200],
      ["GET", "Microsoft.ContainerRegistry/registries/runs/read", `${registryId}/runs/ca1`, 200],
      ["POST", "Microsoft.ContainerRegistry/registries/runs/listLogSasUrl/action", `${registryId}/runs/ca1`, 200],
      ["POST", "Microsoft.ContainerRegistry/registries/runs/cancel/action", `${registryId}/runs/ca1`, 202],
      ["PUT", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", expect.stringMatching(/^\/sandboxblobs\/acr-source\/source\//), 201],
    ]);
    expect(calls.map((call) => call.plane)).toEqual(["arm", "arm", "arm", "arm", "arm", "data"]);
    expect(calls[0]).toMatchObject({ seq: expect.any(Number), time: "2026-05-05T05:05:05.000Z", apiVersion: "2019-06-01-preview", throttled: false, faulted: false });
    expect(new Set(calls.map((call) => call.correlationId)).size).toBe(calls.length);
    expect(JSON.stringify(calls)).not.toContain("sig=");
    expect(sandbox.callLog.operations({ plane: "arm" })).toEqual([
      "Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action",
      "Microsoft.ContainerRegistry/registries/runs/cancel/action",
      "Microsoft.ContainerRegistry/registries/runs/listLogSasUrl/action",
      "Microsoft.ContainerRegistry/registries/runs/read",
      "Microsoft.ContainerRegistry/registries/scheduleRun/action",
    ]);
  });

  it("does not log control calls", async () => {
    await control(sandbox, "GET", "/state");
    expect(sandbox.callLog.calls()).toEqual([]);
  });
});

describe("/_sandbox control routes over HTTP", () => {
  const clock = new VirtualClock();
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ clock, durations: { runQueued: 100 } });
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => sandbox.reset());

  it("seeds a registry and reads calls back, filtered by operation and method", async () => {
    const seeded = await control(sandbox, "POST", "/acr/registries", { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
    expect(seeded.status).toBe(201);
    expect(seeded.json).toMatchObject({ name: REGISTRY, properties: { loginServer: `${REGISTRY}.azurecr.io` } });
    const client = acrClient(sandbox);
    await client.registries.get(RESOURCE_GROUP, REGISTRY);
    await client.registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY);

    const reads = await control(sandbox, "GET", "/calls?operation=Microsoft.ContainerRegistry/registries/read");
    expect((reads.json as { calls: CallRecord[] }).calls.map((call) => call.method)).toEqual(["GET"]);
    const posts = await control(sandbox, "GET", "/calls?method=post");
    expect((posts.json as { calls: CallRecord[] }).calls.map((call) => call.operation)).toEqual(["Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action"]);
    const operations = await control(sandbox, "GET", "/operations");
    expect(operations.json).toEqual({ operations: ["Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action", "Microsoft.ContainerRegistry/registries/read"] });

    expect((await control(sandbox, "DELETE", "/calls")).status).toBe(204);
    expect((await control(sandbox, "GET", "/calls")).json).toEqual({ calls: [] });
  });

  it("injects, lists and clears faults", async () => {
    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
    const created = await control(sandbox, "POST", "/faults", { operation: "Microsoft.ContainerRegistry/registries/read", status: 403, times: 2 });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: expect.any(String), remaining: 2, hits: 0, status: 403 });
    await expect(acrClient(sandbox).registries.get(RESOURCE_GROUP, REGISTRY)).rejects.toMatchObject({ code: "AuthorizationFailed" });
    expect((await control(sandbox, "GET", "/faults")).json).toMatchObject({ faults: [{ remaining: 1, hits: 1 }] });

    const id = (created.json as { id: string }).id;
    expect((await control(sandbox, "DELETE", `/faults/${id}`)).status).toBe(204);
    expect((await control(sandbox, "DELETE", `/faults/${id}`)).status).toBe(404);
    await control(sandbox, "POST", "/faults", { pathContains: "/registries/", status: 503, times: "always" });
    expect((await control(sandbox, "DELETE", "/faults")).status).toBe(204);
    await expect(acrClient(sandbox).registries.get(RESOURCE_GROUP, REGISTRY)).resolves.toMatchObject({ name: REGISTRY });

    const invalid = await control(sandbox, "POST", "/faults", { status: 503, bogus: true });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ error: { code: "InvalidRequestContent", message: expect.stringContaining("bogus") } });
  });

  it("changes durations, and reset restores the start-up values", async () => {
    expect((await control(sandbox, "GET", "/durations")).json).toEqual({ ...DEFAULT_DURATIONS, runQueued: 100 });
    const changed = await control(sandbox, "PUT", "/durations", { runRunning: 42 });
    expect(changed.json).toMatchObject({ runQueued: 100, runRunning: 42 });
    expect(sandbox.durations.runRunning).toBe(42);
    expect((await control(sandbox, "PUT", "/durations", { runRunning: -1 })).status).toBe(400);
    expect((await control(sandbox, "PUT", "/durations", { warp: 1 })).status).toBe(400);

    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
    await control(sandbox, "POST", "/faults", { status: 500, times: "always", pathContains: "/nowhere" });
    expect((await control(sandbox, "POST", "/reset")).status).toBe(204);
    expect(sandbox.durations.runRunning).toBe(DEFAULT_DURATIONS.runRunning);
    expect(sandbox.faults.list()).toEqual([]);
    expect(sandbox.acr.registries()).toEqual([]);
  });

  it("plans the next run and shows scheduled runs with secrets masked", async () => {
    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
    const planned = await control(sandbox, "POST", "/acr/next-run", { status: "Failed", log: "boom", runningMs: 50 });
    expect(planned.json).toEqual({ pending: [{ status: "Failed", log: "boom", runningMs: 50 }] });
    expect((await control(sandbox, "POST", "/acr/next-run", { status: "Exploded" })).status).toBe(400);

    const client = acrClient(sandbox);
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, {
      type: "EncodedTaskRunRequest",
      encodedTaskContent: Buffer.from("steps:\n  - build: -t web:v1 .\n").toString("base64"),
      values: [{ name: "password", value: "hunter2", isSecret: true }, { name: "tag", value: "v1" }],
      platform: { os: "Linux" },
    });
    await clock.advance(150);
    const runs = await control(sandbox, "GET", `/acr/runs?registry=${REGISTRY.toUpperCase()}`);
    expect(runs.json).toMatchObject({ runs: [{ runId: "ca1", status: "Failed", values: { password: "***", tag: "v1" }, taskYaml: "steps:\n  - build: -t web:v1 .\n" }] });
    expect(runs.text).not.toContain("hunter2");
    expect(sandbox.acr.scheduledRun("ca1")?.values.password).toBe("hunter2");
  });

  it("reports state, serves the CA and answers unknown control routes with 404", async () => {
    const state = await control(sandbox, "GET", "/state");
    expect(state.json).toMatchObject({
      origin: sandbox.origin,
      now: new Date(clock.now()).toISOString(),
      durations: { runQueued: 100 },
      throttle: { rejected: { reads: 0, writes: 0 } },
      faults: [],
      providers: { containerRegistry: { registries: [], runs: [], blobStore: "sandbox" }, containerApps: { apps: [] } },
    });
    const ca = await control(sandbox, "GET", "/ca.pem");
    expect(ca.text).toBe(sandbox.caPem);
    expect((await control(sandbox, "GET", "/nope")).status).toBe(404);
    expect((await control(sandbox, "POST", "/faults", "{broken")).status).toBe(400);
  });
});
