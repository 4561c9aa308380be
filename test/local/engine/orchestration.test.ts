import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InstanceExistsError, InstanceNotFoundError, InstanceNotRunningError } from "../../../src/local/engine/api.js";
import { EventType } from "../../../src/local/engine/history.js";
import { startTestEngine, type TestEngine } from "./harness.js";

const calls: Array<{ name: string; input: unknown }> = [];

df.app.activity("echo", {
  handler: (input: unknown) => {
    calls.push({ name: "echo", input });
    return input;
  },
});
df.app.activity("nothing", {
  handler: () => {
    calls.push({ name: "nothing", input: undefined });
  },
});
df.app.activity("boom", {
  handler: () => {
    throw new Error("activity exploded");
  },
});

df.app.orchestration("roundTrip", function* (context: OrchestrationContext) {
  const input: unknown = context.df.getInput();
  const echoed: unknown = yield context.df.callActivity("echo", input);
  const nothing: unknown = yield context.df.callActivity("nothing");
  const text: unknown = yield context.df.callActivity("echo", "123");
  return { input, echoed, nothing, text, isArray: Array.isArray(echoed) };
});

df.app.orchestration("statusWhileWaiting", function* (context: OrchestrationContext) {
  context.df.setCustomStatus({ stage: "waiting", at: context.df.currentUtcDateTime });
  const approval: unknown = yield context.df.waitForExternalEvent("approval");
  context.df.setCustomStatus({ stage: "approved" });
  return approval;
});

df.app.orchestration("sleeper", function* (context: OrchestrationContext) {
  const start = context.df.currentUtcDateTime.getTime();
  yield context.df.createTimer(new Date(start + 30_000));
  return context.df.currentUtcDateTime.toISOString();
});

df.app.orchestration("approvalRace", function* (context: OrchestrationContext) {
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + 60_000);
  const timer = context.df.createTimer(deadline);
  const approval = context.df.waitForExternalEvent("approval");
  const winner: unknown = yield context.df.Task.any([approval, timer]);
  if (winner === approval) {
    timer.cancel();
    return { outcome: "approved", by: approval.result, at: context.df.currentUtcDateTime.toISOString() };
  }
  return { outcome: "timed out", at: context.df.currentUtcDateTime.toISOString() };
});

df.app.orchestration("counter", function* (context: OrchestrationContext) {
  const state = context.df.getInput<{ count: number; limit: number }>();
  yield context.df.callActivity("echo", state.count);
  if (state.count < state.limit) {
    context.df.continueAsNew({ count: state.count + 1, limit: state.limit });
    return undefined;
  }
  return state;
});

df.app.orchestration("ticker", function* (context: OrchestrationContext) {
  const count = context.df.getInput<number>();
  yield context.df.waitForExternalEvent("tick");
  context.df.setCustomStatus(count + 1);
  context.df.continueAsNew(count + 1);
  return undefined;
});

df.app.orchestration("longSleeper", function* (context: OrchestrationContext) {
  const start = context.df.currentUtcDateTime.getTime();
  yield context.df.createTimer(new Date(start + 10 * 86_400_000));
  return context.df.currentUtcDateTime.toISOString();
});

df.app.orchestration("child", function* (context: OrchestrationContext) {
  const input = context.df.getInput<{ value: string; fail?: boolean }>();
  if (input.fail) yield context.df.callActivity("boom");
  const echoed: unknown = yield context.df.callActivity("echo", input.value);
  return { echoed, instanceId: context.df.instanceId, parent: context.df.parentInstanceId };
});

df.app.orchestration("parent", function* (context: OrchestrationContext) {
  const named: unknown = yield context.df.callSubOrchestrator("child", { value: "one" }, "child-of-parent");
  const unnamed: unknown = yield context.df.callSubOrchestrator("child", { value: "two" });
  let failure = "";
  try {
    yield context.df.callSubOrchestrator("child", { value: "three", fail: true });
  } catch (error) {
    failure = (error as Error).message;
  }
  return { named, unnamed, failure };
});

df.app.orchestration("slowSteps", function* (context: OrchestrationContext) {
  yield context.df.callActivity("echo", "first");
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3_600_000));
  yield context.df.callActivity("echo", "second");
  return "done";
});

describe("orchestrations on the local engine", () => {
  let t: TestEngine;

  beforeEach(async () => {
    calls.length = 0;
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.engine.stop();
  });

  it("passes inputs, results and outputs through JSON like the host", async () => {
    const input = { when: new Date("2026-02-03T04:05:06.000Z"), map: new Map([["a", 1]]), gone: undefined, list: [1, undefined, 3] };
    const id = await t.run("roundTrip", input);
    const status = await t.engine.getStatus(id);
    const json = { when: "2026-02-03T04:05:06.000Z", map: {}, list: [1, null, 3] };
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.input).toEqual(json);
    expect(status?.output).toEqual({ input: json, echoed: json, nothing: null, text: "123", isArray: false });
    // The activity received the JSON form too, and a string input stays a string (not the number 123).
    expect(calls).toEqual([
      { name: "echo", input: json },
      { name: "nothing", input: undefined },
      { name: "echo", input: "123" },
    ]);
  });

  it("shows the custom status while the orchestration is waiting", async () => {
    const id = await t.run("statusWhileWaiting");
    const waiting = await t.engine.getStatus(id);
    expect(waiting?.runtimeStatus).toBe("Running");
    expect(waiting?.customStatus).toEqual({ stage: "waiting", at: "2026-03-01T00:00:00.000Z" });
    await t.engine.raiseEvent(id, "approval", { by: "ops" });
    await t.engine.idle();
    const done = await t.engine.getStatus(id);
    expect(done?.runtimeStatus).toBe("Completed");
    expect(done?.customStatus).toEqual({ stage: "approved" });
    expect(done?.output).toEqual({ by: "ops" });
  });

  it("fires a durable timer at its virtual time and not before", async () => {
    const id = await t.run("sleeper");
    await t.advance(29_999);
    expect((await t.engine.getStatus(id))?.runtimeStatus).toBe("Running");
    await t.advance(1);
    const status = await t.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toBe("2026-03-01T00:00:30.000Z");
  });

  it("lets an external event win the race against a timer", async () => {
    const id = await t.run("approvalRace");
    await t.advance(10_000);
    await t.engine.raiseEvent(id, "approval", "alice");
    await t.engine.idle();
    const status = await t.engine.getStatus(id);
    expect(status?.output).toEqual({ outcome: "approved", by: "alice", at: "2026-03-01T00:00:10.000Z" });
    // The losing timer does not wake the finished instance later.
    await t.advance(120_000);
    expect((await t.engine.getStatus(id))?.lastUpdatedTime).toBe("2026-03-01T00:00:10.000Z");
  });

  it("lets the timer win the race when no event comes", async () => {
    const id = await t.run("approvalRace");
    await t.advance(59_000);
    expect((await t.engine.getStatus(id))?.runtimeStatus).toBe("Running");
    await t.advance(1_000);
    expect((await t.engine.getStatus(id))?.output).toEqual({ outcome: "timed out", at: "2026-03-01T00:01:00.000Z" });
    await expect(t.engine.raiseEvent(id, "approval", "late")).rejects.toBeInstanceOf(InstanceNotRunningError);
  });

  it("continues as new with the new input and a fresh history", async () => {
    const id = await t.run("counter", { count: 0, limit: 4 });
    const status = await t.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toEqual({ count: 4, limit: 4 });
    expect(status?.input).toEqual({ count: 4, limit: 4 });
    expect(calls.map((c) => c.input)).toEqual([0, 1, 2, 3, 4]);
    const history = t.engine.getHistory(id) ?? [];
    expect(history.filter((e) => e.EventType === EventType.ExecutionStarted).map((e) => e.Input)).toEqual(['{"count":4,"limit":4}']);
    expect(history.filter((e) => e.EventType === EventType.TaskScheduled)).toHaveLength(1);
  });

  it("drops events the old execution did not consume, but delivers later ones to the new execution", async () => {
    const id = await t.run("ticker", 0);
    await t.engine.raiseEvent(id, "tick");
    await t.engine.idle();
    expect((await t.engine.getStatus(id))?.input).toBe(1);
    // Two ticks in one batch: the first is consumed, the second was delivered to the execution that
    // continued as new and is discarded with it (preserveUnprocessedEvents is false for JS).
    await t.engine.raiseEvent(id, "tick");
    await t.engine.raiseEvent(id, "tick");
    await t.engine.idle();
    const status = await t.engine.getStatus(id);
    expect(status?.input).toBe(2);
    expect(status?.customStatus).toBe(2);
    expect(status?.runtimeStatus).toBe("Running");
  });

  it("slices a 10-day timer into 3-day timers and fires it at the 10-day mark", async () => {
    const id = await t.run("longSleeper");
    const day = 86_400_000;
    await t.advance(10 * day - 1);
    expect((await t.engine.getStatus(id))?.runtimeStatus).toBe("Running");
    await t.advance(1);
    const status = await t.engine.getStatus(id);
    expect(status?.output).toBe("2026-03-11T00:00:00.000Z");
    const timers = (t.engine.getHistory(id) ?? []).filter((e) => e.EventType === EventType.TimerCreated).map((e) => e.FireAt);
    // The extension's loop: +3d, +6d, +9d, then the 1 remaining day.
    expect(timers).toEqual(["2026-03-04T00:00:00.000Z", "2026-03-07T00:00:00.000Z", "2026-03-10T00:00:00.000Z", "2026-03-11T00:00:00.000Z"]);
  });

  it("runs sub-orchestrations with given and default instance ids, and reports their failures", async () => {
    const id = await t.run("parent", undefined, "the-parent");
    const status = await t.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    const output = status?.output as { named: { instanceId: string; parent: string }; unnamed: { instanceId: string }; failure: string };
    expect(output.named).toEqual({ echoed: "one", instanceId: "child-of-parent", parent: "the-parent" });
    const executionId = t.engine.getHistory(id)?.[1]?.OrchestrationInstance?.ExecutionId;
    expect(output.unnamed.instanceId).toBe(`${executionId}:1`);
    expect(output.failure).toContain("Orchestrator function 'child' failed");
    expect(output.failure).toContain("activity exploded");
    expect((await t.engine.getStatus("child-of-parent"))?.runtimeStatus).toBe("Completed");
    expect((await t.engine.getStatus(`${executionId}:2`))?.runtimeStatus).toBe("Failed");
  });

  it("terminates a running instance and schedules nothing afterwards", async () => {
    const id = await t.run("slowSteps");
    expect(calls).toHaveLength(1);
    await t.engine.terminate(id, "operator said stop");
    await t.engine.idle();
    const status = await t.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Terminated");
    expect(status?.output).toBe("operator said stop");
    await t.advance(2 * 3_600_000);
    expect(calls.map((c) => c.input)).toEqual(["first"]);
    expect((t.engine.getHistory(id) ?? []).filter((e) => e.EventType === EventType.TaskScheduled)).toHaveLength(1);
    // Terminating again leaves it as it is.
    await t.engine.terminate(id, "again");
    await t.engine.idle();
    expect((await t.engine.getStatus(id))?.output).toBe("operator said stop");
  });

  it("purges finished instances only", async () => {
    const running = await t.run("statusWhileWaiting");
    expect(await t.engine.purge(running)).toBe(false);
    const done = await t.run("roundTrip", 1);
    expect(await t.engine.purge(done)).toBe(true);
    expect(await t.engine.getStatus(done)).toBeUndefined();
    expect(await t.engine.purge(done)).toBe(false);
    expect((await t.engine.listInstances()).instances.map((i) => i.instanceId)).toEqual([running]);
  });

  it("rejects a second live instance with the same id and unknown ids", async () => {
    await t.run("statusWhileWaiting", undefined, "singleton");
    await expect(t.engine.startNew("statusWhileWaiting", { instanceId: "singleton" })).rejects.toBeInstanceOf(InstanceExistsError);
    await expect(t.engine.raiseEvent("nobody", "approval")).rejects.toBeInstanceOf(InstanceNotFoundError);
    await expect(t.engine.startNew("notAnOrchestrator")).rejects.toThrow("doesn't exist");
  });
});
