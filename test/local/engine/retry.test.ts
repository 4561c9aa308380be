import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { computeRetryDelay, parseRetryPolicy } from "../../../src/local/engine/retry.js";
import { startTestEngine, type TestEngine } from "./harness.js";

const T0 = Date.parse("2026-03-01T00:00:00.000Z");
let now: () => number = () => 0;
let failuresLeft = 0;
const attempts: number[] = [];

df.app.activity("flaky", {
  handler: (input: string) => {
    attempts.push((now() - T0) / 1000);
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new Error(`transient failure (${failuresLeft} more)`);
    }
    return `ok:${input}`;
  },
});

function options(first: number, max: number, extra: Partial<df.RetryOptions> = {}): df.RetryOptions {
  const retry = new df.RetryOptions(first, max);
  Object.assign(retry, extra);
  return retry;
}

df.app.orchestration("retryBackoff", function* (context: OrchestrationContext) {
  const result: unknown = yield context.df.callActivityWithRetry("flaky", options(5_000, 6, { backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 15_000 }), "x");
  return { result, at: context.df.currentUtcDateTime.toISOString() };
});

df.app.orchestration("retryExhausted", function* (context: OrchestrationContext) {
  try {
    yield context.df.callActivityWithRetry("flaky", options(1_000, 3), "y");
    return "unexpected success";
  } catch (error) {
    return { message: (error as Error).message, at: context.df.currentUtcDateTime.toISOString() };
  }
});

df.app.orchestration("retryTimeout", function* (context: OrchestrationContext) {
  try {
    yield context.df.callActivityWithRetry("flaky", options(5_000, 10, { retryTimeoutInMilliseconds: 12_000 }), "z");
    return "unexpected success";
  } catch {
    return "caught";
  }
});

df.app.orchestration("flakyChild", function* (context: OrchestrationContext) {
  const result: unknown = yield context.df.callActivity("flaky", "child");
  return { result, instanceId: context.df.instanceId };
});

df.app.orchestration("retrySubOrchestration", function* (context: OrchestrationContext) {
  return (yield context.df.callSubOrchestratorWithRetry("flakyChild", options(2_000, 3), "in")) as unknown;
});

describe("retries follow DurableTask's RetryInterceptor on the virtual clock", () => {
  let t: TestEngine;

  beforeEach(async () => {
    attempts.length = 0;
    t = await startTestEngine();
    now = () => t.clock.now();
  });

  afterEach(async () => {
    await t.engine.stop();
  });

  it("backs off 5s, 10s, then the 15s cap", async () => {
    failuresLeft = 4;
    const id = await t.run("retryBackoff");
    await t.advance(44_999);
    expect(attempts).toEqual([0, 5, 15, 30]);
    expect((await t.engine.getStatus(id))?.runtimeStatus).toBe("Running");
    await t.advance(1);
    expect(attempts).toEqual([0, 5, 15, 30, 45]);
    expect((await t.engine.getStatus(id))?.output).toEqual({ result: "ok:x", at: "2026-03-01T00:00:45.000Z" });
  });

  it("gives up after the last attempt, once the final retry timer has fired", async () => {
    failuresLeft = 100;
    const id = await t.run("retryExhausted");
    await t.advance(60_000);
    expect(attempts).toEqual([0, 1, 2]);
    const output = (await t.engine.getStatus(id))?.output as { message: string; at: string };
    expect(output.message).toContain("Activity function 'flaky' failed: transient failure");
    // RetryInterceptor still waits one interval after the last failure before throwing.
    expect(output.at).toBe("2026-03-01T00:00:03.000Z");
  });

  it("stops retrying once the retry timeout has passed (and durable-functions then never resumes)", async () => {
    failuresLeft = 100;
    const id = await t.run("retryTimeout");
    await t.advance(300_000);
    expect(attempts).toEqual([0, 5, 10, 15]);
    // azure-functions-durable-js#629: no event reaches the orchestrator, so it cannot catch the failure.
    expect((await t.engine.getStatus(id))?.runtimeStatus).toBe("Running");
    expect(t.logs.some((l) => l.level === "warn" && l.message.includes("retry timeout"))).toBe(true);
  });

  it("retries sub-orchestrations with a new default instance id per attempt", async () => {
    failuresLeft = 2;
    const id = await t.run("retrySubOrchestration");
    await t.advance(10_000);
    expect(attempts).toEqual([0, 2, 4]);
    const status = await t.engine.getStatus(id);
    const output = status?.output as { result: string; instanceId: string };
    expect(output.result).toBe("ok:child");
    const executionId = t.engine.getHistory(id)?.[1]?.OrchestrationInstance?.ExecutionId;
    // Attempt ids: sub-orchestration 0, timer 1, sub-orchestration 2, timer 3, sub-orchestration 4.
    expect(output.instanceId).toBe(`${executionId}:4`);
    expect((await t.engine.listInstances({ instanceIdPrefix: `${executionId}:` })).instances.map((i) => i.runtimeStatus).sort()).toEqual(["Completed", "Failed", "Failed"]);
  });
});

describe("retry arithmetic", () => {
  it("applies the extension's defaults and DurableTask's formula", () => {
    const policy = parseRetryPolicy({ firstRetryIntervalInMilliseconds: 1_000, maxNumberOfAttempts: 5 });
    expect(policy).toEqual({ firstRetryIntervalMs: 1_000, maxNumberOfAttempts: 5, backoffCoefficient: 1, maxRetryIntervalMs: 6 * 86_400_000, retryTimeoutMs: Infinity });
    const backoff = { ...policy, backoffCoefficient: 3, maxRetryIntervalMs: 20_000 };
    expect([0, 1, 2, 3].map((attempt) => computeRetryDelay(backoff, attempt, 0, 0))).toEqual([1_000, 3_000, 9_000, 20_000]);
    const timed = { ...policy, retryTimeoutMs: 10_000 };
    expect(computeRetryDelay(timed, 0, 0, 9_999)).toBe(1_000);
    expect(computeRetryDelay(timed, 0, 0, 10_000)).toBe(0);
    expect(() => parseRetryPolicy({ maxNumberOfAttempts: 2 })).toThrow("firstRetryIntervalInMilliseconds");
  });
});
