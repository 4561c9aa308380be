/**
 * notifyDeployQueue through the local runtime: the activity gets its Durable client from its
 * `durableClient` extra input, raises the queue event on waiting orchestrations, and reports the
 * waiters that are missing or no longer running (their event reached no one), so the caller can
 * release an app granted to one of them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Types and constants only: the activities are registered by src/functions/registration/activities.ts, which the runtime imports after capture.
import { DEPLOY_QUEUE_EVENT, type NotifyDeployQueueInput } from "../../src/activities/contracts.js";
import { VirtualClock } from "../../src/common/clock.js";
import { startLocalRuntime, type LocalRuntime } from "../../src/local/host.js";
import type { FunctionLogEntry } from "../../src/local/http/invokeHttpFunction.js";

const logs: FunctionLogEntry[] = [];
let runtime: LocalRuntime;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "aca-rollout-queue-"));
  runtime = await startLocalRuntime({
    functionModules: async () => {
      await import("./fixtures/queueApp.js");
      await import("../../src/functions/registration/activities.js");
    },
    clock: new VirtualClock("2026-03-01T00:00:00.000Z"),
    dataDir,
    taskHub: "queuetest",
    log: (entry) => logs.push(entry),
  });
});

afterAll(async () => {
  await runtime?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("notifyDeployQueue", () => {
  it("wakes each waiting deploy with its notice and reports those that are missing, finished or terminated as gone", async () => {
    const { engine } = runtime;
    await engine.startNew("queueWaiter", { instanceId: "deploy-a" });
    await engine.startNew("queueWaiter", { instanceId: "deploy-b" });
    await engine.startNew("queueWaiter", { instanceId: "deploy-done" });
    await engine.startNew("queueWaiter", { instanceId: "deploy-terminated" });
    await engine.idle();
    await engine.raiseEvent("deploy-done", DEPLOY_QUEUE_EVENT, { instanceId: "deploy-done", kind: "granted" });
    await engine.terminate("deploy-terminated", "operator stopped it");
    await engine.idle();
    expect((await engine.getStatus("deploy-done"))?.runtimeStatus).toBe("Completed");
    expect((await engine.getStatus("deploy-terminated"))?.runtimeStatus).toBe("Terminated");

    const input: NotifyDeployQueueInput = {
      notices: [
        { instanceId: "deploy-a", kind: "granted" },
        { instanceId: "deploy-b", kind: "superseded", supersededBy: "deploy-c" },
        { instanceId: "deploy-ghost", kind: "granted" },
        { instanceId: "deploy-done", kind: "superseded", supersededBy: "deploy-c" },
        { instanceId: "deploy-terminated", kind: "granted" },
      ],
    };
    await engine.startNew("queueNotifier", { instanceId: "notifier", input });
    await engine.idle();

    const notifier = await engine.getStatus("notifier");
    expect(notifier).toMatchObject({
      runtimeStatus: "Completed",
      output: {
        raised: ["deploy-a", "deploy-b"],
        gone: [
          { instanceId: "deploy-ghost", kind: "granted" },
          { instanceId: "deploy-done", kind: "superseded", supersededBy: "deploy-c", runtimeStatus: "Completed" },
          { instanceId: "deploy-terminated", kind: "granted", runtimeStatus: "Terminated" },
        ],
      },
    });
    expect(await engine.getStatus("deploy-a")).toMatchObject({ runtimeStatus: "Completed", output: { instanceId: "deploy-a", kind: "granted" } });
    expect(await engine.getStatus("deploy-b")).toMatchObject({
      runtimeStatus: "Completed",
      output: { instanceId: "deploy-b", kind: "superseded", supersededBy: "deploy-c" },
    });
    expect(await engine.getStatus("deploy-done")).toMatchObject({ output: { kind: "granted" } });
    expect(logs.filter((entry) => entry.level === "error")).toEqual([]);
  });
});
