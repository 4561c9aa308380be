import { randomUUID } from "node:crypto";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "./harness.js";

let replays = 0;

df.app.activity("stepA", { handler: () => "a" });
df.app.activity("stepB", { handler: () => "b" });
df.app.orchestration("child2", function* () {
  yield* [];
  return "child";
});

// Branches on module state, which differs between the first run and the replay.
df.app.orchestration("fickleActivity", function* (context: OrchestrationContext) {
  replays++;
  yield context.df.callActivity(replays === 1 ? "stepA" : "stepB");
  yield context.df.callActivity("stepA");
  return "done";
});

df.app.orchestration("fickleTimer", function* (context: OrchestrationContext) {
  replays++;
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + replays * 1_000));
  return "done";
});

df.app.orchestration("fickleChildId", function* (context: OrchestrationContext) {
  yield context.df.callSubOrchestrator("child2", undefined, randomUUID());
  return "done";
});

df.app.orchestration("steady", function* (context: OrchestrationContext) {
  replays++;
  const a: unknown = yield context.df.callActivity("stepA");
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1_000));
  const b: unknown = yield context.df.callActivity("stepB");
  return [a, b];
});

// Races an event against a 10-day timer and, if the event wins, cancels the timer when asked to.
df.app.orchestration("longRace", function* (context: OrchestrationContext) {
  const cancel = context.df.getInput<boolean>();
  const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 10 * 86_400_000));
  const go = context.df.waitForExternalEvent("go");
  const winner: unknown = yield context.df.Task.any([go, timer]);
  if (winner === go && cancel) timer.cancel();
  return winner === go ? "event" : "timer";
});

describe("determinism check", () => {
  let t: TestEngine;

  beforeEach(async () => {
    replays = 0;
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.engine.stop();
  });

  it("fails an orchestration that schedules a different activity on replay, naming both", async () => {
    const id = await t.run("fickleActivity");
    const status = await t.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Failed");
    const message = String(status?.output);
    expect(message).toMatch(/^NonDeterministicOrchestrationError: /);
    expect(message).toContain("Expected (history): TaskScheduled 'stepA' (task id 0)");
    expect(message).toContain("actual (replay): CallActivity 'stepB' (task id 0)");
    expect(t.logs.some((l) => l.level === "error" && l.message.includes("NonDeterministicOrchestrationError"))).toBe(true);
  });

  it("fails an orchestration whose timer moves on replay", async () => {
    const id = await t.run("fickleTimer");
    await t.advance(1_000);
    const message = String((await t.engine.getStatus(id))?.output);
    expect(message).toContain("Expected (history): TimerCreated firing at 2026-03-01T00:00:01.000Z (timer id 0)");
    expect(message).toContain("actual (replay): CreateTimer firing at 2026-03-01T00:00:02.000Z (timer id 0)");
  });

  it("fails an orchestration that picks a new sub-orchestration instance id on replay", async () => {
    const id = await t.run("fickleChildId");
    const status = await t.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Failed");
    expect(String(status?.output)).toMatch(/Expected \(history\): SubOrchestrationInstanceCreated 'child2' with instance id '[0-9a-f-]{36}'.*actual \(replay\): CallSubOrchestrator 'child2' with instance id '[0-9a-f-]{36}'/);
  });

  it("replays a deterministic orchestration from the full history each episode", async () => {
    const id = await t.run("steady");
    await t.advance(1_000);
    expect((await t.engine.getStatus(id))?.output).toEqual(["a", "b"]);
    // One replay per episode: start, after stepA, after the timer, after stepB.
    expect(replays).toBe(4);
  });

  it("fails like the extension when a long timer is cancelled after it has started slicing", async () => {
    // The extension replays CreateTimer(isCanceled) by creating the first 3-day slice and cancelling it,
    // so the second slice already in history has no matching action.
    const cancelled = await t.run("longRace", true);
    const kept = await t.run("longRace", false);
    await t.advance(4 * 86_400_000);
    for (const id of [cancelled, kept]) await t.engine.raiseEvent(id, "go");
    await t.engine.idle();
    expect(String((await t.engine.getStatus(cancelled))?.output)).toContain("Expected (history): TimerCreated firing at 2026-03-07T00:00:00.000Z (timer id 1); actual (replay): no action with that id");
    expect((await t.engine.getStatus(kept))?.output).toBe("event");
  });
});
