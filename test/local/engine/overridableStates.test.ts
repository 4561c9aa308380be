/**
 * host.json's `extensions.durableTask.overridableExistingInstanceStates`, as the Durable extension
 * applies it to a start with an instance id already in use (OverridableStates.cs, ToDedupeStatuses):
 * NonRunningStates refuses while the instance is Pending or Running and replaces it once finished;
 * AnyState replaces even a running instance. The deploy API's idempotent start relies on the first.
 */
import { readFile } from "node:fs/promises";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, describe, expect, it } from "vitest";
import { InstanceExistsError } from "../../../src/local/engine/api.js";
import { EventType } from "../../../src/local/engine/history.js";
import { defaultHostJsonPaths, overridableStatesFrom } from "../../../src/local/http/hostJson.js";
import { startTestEngine, type TestEngine } from "./harness.js";

// Waits for "go" (or a day) and returns its input with the event's data.
df.app.orchestration("awaitGo", function* (context: OrchestrationContext) {
  const input = context.df.getInput<string>();
  const go = context.df.waitForExternalEvent("go");
  const timeout = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 86_400_000));
  const winner: unknown = yield context.df.Task.any([go, timeout]);
  if (winner === timeout) return `${input}: timed out`;
  timeout.cancel();
  return `${input}: ${String(go.result)}`;
});

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.stop();
  t = undefined;
});

describe("overridableExistingInstanceStates", () => {
  it("NonRunningStates (the default): a start with a running instance's id fails; once it has finished, the id starts afresh", async () => {
    t = await startTestEngine();
    await t.run("awaitGo", "first", "same-id");
    await expect(t.engine.startNew("awaitGo", { instanceId: "same-id", input: "second" })).rejects.toBeInstanceOf(InstanceExistsError);
    expect(await t.engine.getStatus("same-id")).toMatchObject({ runtimeStatus: "Running", input: "first" });

    await t.engine.raiseEvent("same-id", "go", "went");
    await t.engine.idle();
    expect(await t.engine.getStatus("same-id")).toMatchObject({ runtimeStatus: "Completed", output: "first: went" });
    await t.run("awaitGo", "second", "same-id");
    expect(await t.engine.getStatus("same-id")).toMatchObject({ runtimeStatus: "Running", input: "second" });
  });

  it("NonRunningStates named explicitly behaves as the default", async () => {
    t = await startTestEngine({ overridableExistingInstanceStates: "NonRunningStates" });
    await t.run("awaitGo", "first", "same-id");
    await expect(t.engine.startNew("awaitGo", { instanceId: "same-id", input: "second" })).rejects.toBeInstanceOf(InstanceExistsError);
  });

  it("AnyState: a start with a running instance's id silently replaces it with a new execution", async () => {
    t = await startTestEngine({ overridableExistingInstanceStates: "AnyState" });
    await t.run("awaitGo", "first", "same-id");
    await t.advance(13 * 3_600_000);
    expect(await t.engine.startNew("awaitGo", { instanceId: "same-id", input: "second" })).toBe("same-id");
    await t.engine.idle();
    expect(await t.engine.getStatus("same-id")).toMatchObject({ runtimeStatus: "Running", input: "second" });

    // The replaced execution's timer (due 24 h after the first start) must not reach the new one,
    // whose own timer is due 13 h later: 25 h in, the new execution is still waiting for "go".
    await t.advance(12 * 3_600_000);
    expect(await t.engine.getStatus("same-id")).toMatchObject({ runtimeStatus: "Running" });
    await t.engine.raiseEvent("same-id", "go", "went");
    await t.engine.idle();
    expect(await t.engine.getStatus("same-id")).toMatchObject({ runtimeStatus: "Completed", output: "second: went" });
    const history = t.engine.getHistory("same-id") ?? [];
    expect(history.filter((event) => event.EventType === EventType.ExecutionStarted)).toHaveLength(1);
  });
});

describe("host.json", () => {
  it("sets overridableExistingInstanceStates to NonRunningStates explicitly, not by a bundle's default", async () => {
    const [path] = defaultHostJsonPaths().slice(0, 1);
    const hostJson = JSON.parse(await readFile(path!, "utf8")) as { extensions?: { durableTask?: { overridableExistingInstanceStates?: string } } };
    expect(hostJson.extensions?.durableTask?.overridableExistingInstanceStates).toBe("NonRunningStates");
    expect(overridableStatesFrom(hostJson)).toBe("NonRunningStates");
  });

  it("reads the setting without regard to case, defaults it, and refuses other values", () => {
    expect(overridableStatesFrom({ extensions: { durableTask: { overridableExistingInstanceStates: "anystate" } } })).toBe("AnyState");
    expect(overridableStatesFrom({ extensions: { durableTask: { overridableExistingInstanceStates: "NonRunningStates" } } })).toBe("NonRunningStates");
    expect(overridableStatesFrom({ extensions: { durableTask: {} } })).toBe("NonRunningStates");
    expect(overridableStatesFrom(undefined)).toBe("NonRunningStates");
    expect(() => overridableStatesFrom({ extensions: { durableTask: { overridableExistingInstanceStates: "Running" } } })).toThrow(/NonRunningStates or AnyState/);
  });
});
