/**
 * The per-app lock never outlives its holder (issue 7 §2), end to end on the local runtime against the
 * sandbox: a waiter terminated while queued, a releasing deploy whose wake-up activity fails every
 * retry, and a holder terminated mid-deploy. In each case the next deploy of the app runs, and a
 * release done on a holder's behalf is recorded in the target's history.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEPLOY_QUEUE_EVENT } from "../../src/activities/contracts.js";
import type { TargetRecord } from "../../src/entities/targetRecord.js";
import { targetKey } from "../../src/entities/names.js";
import type { InstanceStatus } from "../../src/local/engine/api.js";
import { RESOURCE_GROUP, SUBSCRIPTION, outputOf, startDeployWorld, type DeployWorld } from "./world.js";

let world: DeployWorld;
beforeAll(async () => {
  world = await startDeployWorld();
});
afterEach(() => {
  world.runtime.rpcFaults.clear();
});
afterAll(async () => {
  await world?.stop();
});

async function record(app: string): Promise<TargetRecord> {
  const state = await world.runtime.engine.readEntityState({ name: "deployTarget", key: targetKey({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: app }) });
  return state.state as TargetRecord;
}

const phaseOf = (status: InstanceStatus | undefined): string | undefined => (status?.customStatus as { phase?: string } | undefined)?.phase;
const queueDetail = (status: InstanceStatus): string | undefined => outputOf(status).steps.find((s) => s.name === "queue")?.detail;

async function startQueuedBehind(app: string): Promise<{ holder: string; waiter: string }> {
  const holder = await world.start(world.request(app));
  await world.settle();
  const waiter = await world.start(world.request(app));
  await world.settle();
  expect(phaseOf(await world.runtime.engine.getStatus(waiter))).toBe("Queued");
  return { holder, waiter };
}

describe("the app lock never outlives its holder", () => {
  it("a waiter terminated while queued: the holder's release passes over it, and the next deploy runs at once", async () => {
    const app = await world.seedApp("lock-waiter-gone");
    await world.pushImage("v2");
    const { holder, waiter } = await startQueuedBehind(app.name);
    await world.runtime.engine.terminate(waiter, "the operator gave up on it");
    await world.settle();

    expect(outputOf(await world.runToEnd(holder)).outcome).toBe("Succeeded");
    expect((await record(app.name)).queue.holder).toBeUndefined();
    expect((await record(app.name)).history).toEqual([
      expect.objectContaining({ event: "lock-released-holder-ended", holder: waiter, reason: expect.stringContaining("Terminated") as string }),
    ]);

    const next = await world.start(world.request(app.name));
    const done = await world.runToEnd(next);
    expect(outputOf(done).outcome).toBe("Succeeded");
    expect(queueDetail(done)).toBe("the app was free");
    expect(world.app(app.name).latestReadyRevisionName).toBe(outputOf(done).newRevision);
  });

  it("the releasing deploy's wake-up activity fails every retry: the releasing deploy still ends as it did, and the waiter takes the app at its queue check", async () => {
    const app = await world.seedApp("lock-notify-fails");
    await world.pushImage("v2");
    // The Durable client's raiseEvent answers 503 every time, so notifyDeployQueue exhausts its retries.
    world.runtime.rpcFaults.add({ method: "POST", pathContains: `/raiseEvent/${DEPLOY_QUEUE_EVENT}`, status: 503 });
    const { holder, waiter } = await startQueuedBehind(app.name);

    const first = await world.runToEnd(holder);
    expect(first.runtimeStatus).toBe("Completed");
    expect(outputOf(first).outcome).toBe("Succeeded");

    const second = await world.runToEnd(waiter);
    expect(outputOf(second).outcome).toBe("Succeeded");
    expect(queueDetail(second)).toMatch(/wake-up never arrived/);
    expect(world.app(app.name).latestReadyRevisionName).toBe(outputOf(second).newRevision);
    expect((await record(app.name)).queue.holder).toBeUndefined();
  });

  it("the holder terminated mid-deploy: a queued deploy finds it ended at its queue check, frees the app and runs", async () => {
    const app = await world.seedApp("lock-holder-gone");
    await world.pushImage("v2");
    const holder = await world.start(world.request(app.name));
    await world.runToEnd(holder, { until: (s) => phaseOf(s) === "Verifying" });
    await world.runtime.engine.terminate(holder, "host lost");
    await world.settle();
    expect((await world.runtime.engine.getStatus(holder))?.runtimeStatus).toBe("Terminated");

    const next = await world.start(world.request(app.name));
    await world.settle();
    expect(phaseOf(await world.runtime.engine.getStatus(next))).toBe("Queued");
    const done = await world.runToEnd(next);
    expect(outputOf(done).outcome).toBe("Succeeded");
    expect(queueDetail(done)).toBe(`the app was freed: ${holder} ended Terminated without releasing it`);
    expect(world.app(app.name).latestReadyRevisionName).toBe(outputOf(done).newRevision);
    expect((await record(app.name)).history).toEqual([
      expect.objectContaining({ event: "lock-released-holder-ended", holder, reason: `${holder} ended Terminated while holding the app; released on its behalf by queued deploy ${next}` }),
    ]);
  });
});
