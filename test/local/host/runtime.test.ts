/**
 * The in-process local runtime with the real engine: product-style modules captured and served, auth
 * levels enforced, and a durable flow driven through `df.getClient` and the public webhook URLs, on a
 * virtual clock.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startLocalRuntime, type LocalRuntime } from "../../../src/local/host.js";
import type { FunctionLogEntry } from "../../../src/local/http/invokeHttpFunction.js";
// Only the constants: the app itself must be imported by the runtime, after capture is installed.
import { APPROVAL_TIMEOUT_MS } from "../../fixtures/host/durableAppConstants.js";

const FUNCTION_KEY = "runtime-test-function-key";
const clock = new VirtualClock("2026-03-01T00:00:00.000Z");
const logs: FunctionLogEntry[] = [];
let runtime: LocalRuntime;
let dataDir: string;

interface CheckStatus {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
}

const settle = (): Promise<void> => runtime.engine.idle();

async function startWaiter(instanceId: string): Promise<CheckStatus> {
  const response = await fetch(`${runtime.url}/api/waiters/${instanceId}`, { method: "POST", headers: { "x-functions-key": FUNCTION_KEY } });
  expect(response.status).toBe(202);
  await settle();
  return (await response.json()) as CheckStatus;
}

async function statusOf(instanceId: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${runtime.url}/api/waiters/${instanceId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "aca-rollout-runtime-"));
  runtime = await startLocalRuntime({
    functionModules: async () => {
      await import("../../fixtures/host/durableApp.js");
    },
    clock,
    port: 0,
    dataDir,
    taskHub: "runtimetest",
    functionKey: FUNCTION_KEY,
    log: (entry) => logs.push(entry),
  });
});

afterAll(async () => {
  await runtime?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("local runtime: HTTP functions", () => {
  it("serves captured app.http/app.get functions under /api with route constraints", async () => {
    const response = await fetch(`${runtime.url}/api/ping/41`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ pong: 41 });
    expect((await fetch(`${runtime.url}/api/ping/abc`)).status).toBe(404);
    const wrongMethod = await fetch(`${runtime.url}/api/ping/41`, { method: "POST" });
    expect([wrongMethod.status, wrongMethod.headers.get("allow")]).toEqual([405, "GET"]);
    expect((await fetch(`${runtime.url}/api/unknown`)).status).toBe(404);
  });

  it("enforces function keys", async () => {
    expect((await fetch(`${runtime.url}/api/secret`)).status).toBe(401);
    expect((await fetch(`${runtime.url}/api/secret`, { headers: { "x-functions-key": "nope" } })).status).toBe(401);
    expect((await fetch(`${runtime.url}/api/secret`, { headers: { "x-functions-key": FUNCTION_KEY } })).status).toBe(200);
    expect((await fetch(`${runtime.url}/api/secret?code=${FUNCTION_KEY}`)).status).toBe(200);
  });

  it("turns a thrown error into an empty 500", async () => {
    const response = await fetch(`${runtime.url}/api/crash`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("");
    expect(logs.some((l) => l.functionName === "crash" && l.level === "error")).toBe(true);
  });
});

describe("local runtime: durable client over the served rpc surface", () => {
  it("starts, reports Running with history, terminates, and the statusQueryGetUri answers throughout", async () => {
    const check = await startWaiter("term1");
    expect(check.id).toBe("term1");
    expect(check.statusQueryGetUri.startsWith(`${runtime.url}/runtime/webhooks/durabletask/instances/term1?`)).toBe(true);

    const running = await statusOf("term1");
    expect(running).toMatchObject({ instanceId: "term1", name: "waitForApproval", runtimeStatus: "Running", input: { requestedBy: "test" } });

    const viaWebhook = await fetch(`${check.statusQueryGetUri}&showHistory=true`);
    expect(viaWebhook.status).toBe(202);
    const webhookBody = (await viaWebhook.json()) as { runtimeStatus: string; historyEvents: { EventType: string }[] };
    expect(webhookBody.runtimeStatus).toBe("Running");
    expect(webhookBody.historyEvents.map((e) => e.EventType)).toContain("ExecutionStarted");

    expect((await fetch(`${runtime.url}/api/waiters/term1/terminate`, { method: "POST" })).status).toBe(202);
    await settle();
    expect((await statusOf("term1")).runtimeStatus).toBe("Terminated");
    const done = await fetch(check.statusQueryGetUri);
    expect(done.status).toBe(200);
    expect(((await done.json()) as { runtimeStatus: string }).runtimeStatus).toBe("Terminated");
  });

  it("completes on an event raised through the sendEventPostUri webhook", async () => {
    const check = await startWaiter("event1");
    const raised = await fetch(check.sendEventPostUri.replace("{eventName}", "approve"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ by: "alice" }),
    });
    expect(raised.status).toBe(202);
    await settle();
    const status = await statusOf("event1");
    expect(status).toMatchObject({ runtimeStatus: "Completed", output: "APPROVED BY ALICE!" });
  });

  it("completes on the deadline timer when the virtual clock passes it", async () => {
    await startWaiter("timer1");
    await clock.advance(APPROVAL_TIMEOUT_MS - 1000, settle);
    expect((await statusOf("timer1")).runtimeStatus).toBe("Running");
    await clock.advance(2000, settle);
    expect(await statusOf("timer1")).toMatchObject({ runtimeStatus: "Completed", output: "timed out" });
  });

  it("answers 409 through the rpc surface for a live duplicate instance id", async () => {
    await startWaiter("dup1");
    const again = await fetch(`${runtime.rpcBaseUrl}orchestrators/waitForApproval/dup1`, { method: "POST", body: "" });
    expect(again.status).toBe(409);
  });
});
