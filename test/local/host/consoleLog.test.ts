/**
 * What `npm start` prints after "Ready": one line per HTTP request (method, path, status,
 * milliseconds; never a key), turned off by `--quiet` or ACA_ROLLOUT_LOG_REQUESTS=false, and at every
 * start how many unfinished instances the runtime resumed from its journal. Driven through the real
 * in-process runtime and its HTTP host; the printer is `npm start`'s own.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { consoleLoggers, requestLinesEnabled, type ConsoleSinks } from "../../../src/local/consoleLog.js";
import { startLocalRuntime, type LocalRuntime } from "../../../src/local/host.js";
import { formatRequestLine, loggableTarget } from "../../../src/local/http/requestLog.js";

const FUNCTION_KEY = "console-test-function-key-0123456789";
const NOW = new Date("2026-03-01T10:00:00.000Z");
let dataDir: string;

/** Sinks that keep what `npm start` would print. */
function capture(): ConsoleSinks & { out: (line: string) => void; lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line), now: () => NOW };
}

/** Starts the runtime with the test app on `dataDir`, printing through `npm start`'s loggers. */
function startRuntime(sinks: ConsoleSinks, requestLines: boolean): Promise<LocalRuntime> {
  return startLocalRuntime({
    functionModules: async () => {
      await import("../../fixtures/host/durableApp.js");
    },
    clock: new VirtualClock("2026-03-01T00:00:00.000Z"),
    port: 0,
    dataDir,
    taskHub: "consoletest",
    functionKey: FUNCTION_KEY,
    ...consoleLoggers(requestLines, sinks),
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "aca-rollout-console-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("request lines", () => {
  it("redact the values of code and of key-, token-, secret- and signature-like query parameters", () => {
    expect(loggableTarget("/api/deployments")).toBe("/api/deployments");
    expect(loggableTarget("/api/deployments?")).toBe("/api/deployments");
    expect(loggableTarget("/api/deployments?target=web&top=10")).toBe("/api/deployments?target=web&top=10");
    expect(loggableTarget(`/api/deployments?code=${FUNCTION_KEY}&top=10`)).toBe("/api/deployments?code=***&top=10");
    expect(loggableTarget("/runtime/webhooks/durabletask/instances/x?taskHub=h&connection=Storage&CODE=abc")).toBe(
      "/runtime/webhooks/durabletask/instances/x?taskHub=h&connection=Storage&CODE=***",
    );
    expect(loggableTarget("/x?sig=abc&se=2026&api_key=k&continuationToken=t&client%5Fsecret=s&password=p")).toBe(
      "/x?sig=***&se=***&api_key=***&continuationToken=***&client%5Fsecret=***&password=***",
    );
    expect(formatRequestLine({ method: "POST", target: "/api/deployments?code=abc", status: 202, durationMs: 12.4, completed: true })).toBe(
      "POST /api/deployments?code=*** 202 12 ms",
    );
    expect(formatRequestLine({ method: "GET", target: "/api/health", status: 200, durationMs: 3, completed: false })).toBe("GET /api/health 200 3 ms (client went away)");
  });

  it("are printed once per request the host answers, whatever the status, and never carry the key", async () => {
    const sinks = capture();
    const runtime = await startRuntime(sinks, true);
    try {
      const calls: [string, RequestInit | undefined, number][] = [
        ["/api/ping/7", undefined, 200],
        ["/api/ping/7?note=hello", { method: "POST" }, 405],
        ["/api/secret", undefined, 401],
        [`/api/secret?code=${FUNCTION_KEY}`, undefined, 200],
        ["/api/secret", { headers: { "x-functions-key": FUNCTION_KEY } }, 200],
        ["/api/nothing-here", undefined, 404],
      ];
      for (const [path, init, status] of calls) {
        const response = await fetch(`${runtime.url}${path}`, init);
        await response.arrayBuffer();
        expect(response.status).toBe(status);
      }
      // The line is written when the response closes, which may be just after the client has read it.
      const requestLines = (): string[] => sinks.lines.filter((line) => / \d+ ms$/.test(line));
      await vi.waitFor(() => expect(requestLines()).toHaveLength(calls.length));
      expect(requestLines().map((line) => line.replace(/ \d+ ms$/, " N ms"))).toEqual([
        "[2026-03-01T10:00:00.000Z] GET /api/ping/7 200 N ms",
        "[2026-03-01T10:00:00.000Z] POST /api/ping/7?note=hello 405 N ms",
        "[2026-03-01T10:00:00.000Z] GET /api/secret 401 N ms",
        "[2026-03-01T10:00:00.000Z] GET /api/secret?code=*** 200 N ms",
        "[2026-03-01T10:00:00.000Z] GET /api/secret 200 N ms",
        "[2026-03-01T10:00:00.000Z] GET /api/nothing-here 404 N ms",
      ]);
      expect([...sinks.lines, ...sinks.errors].join("\n")).not.toContain(FUNCTION_KEY);
    } finally {
      await runtime.stop();
    }
  });

  it("are off with --quiet or ACA_ROLLOUT_LOG_REQUESTS=false, and on by default", async () => {
    expect(requestLinesEnabled([], {})).toBe(true);
    expect(requestLinesEnabled([], { ACA_ROLLOUT_LOG_REQUESTS: "true" })).toBe(true);
    expect(requestLinesEnabled(["--quiet"], {})).toBe(false);
    expect(requestLinesEnabled([], { ACA_ROLLOUT_LOG_REQUESTS: "False" })).toBe(false);
    expect(() => requestLinesEnabled([], { ACA_ROLLOUT_LOG_REQUESTS: "sometimes" })).toThrow("ACA_ROLLOUT_LOG_REQUESTS must be true or false, got 'sometimes'.");

    // Quiet: the host is given no request logger at all, so there is nothing that could print a line.
    const sinks = capture();
    expect(consoleLoggers(false, sinks).requestLog).toBeUndefined();
    const runtime = await startRuntime(sinks, requestLinesEnabled(["--quiet"], {}));
    try {
      const response = await fetch(`${runtime.url}/api/ping/1`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect(sinks.lines.filter((line) => line.includes("/api/ping"))).toEqual([]);
    } finally {
      await runtime.stop();
    }
  });
});

describe("start-up", () => {
  it("says how many unfinished instances it resumed from the journal", async () => {
    const first = capture();
    let runtime = await startRuntime(first, false);
    const started = await fetch(`${runtime.url}/api/waiters/console-waiter`, { method: "POST", headers: { "x-functions-key": FUNCTION_KEY } });
    expect(started.status).toBe(202);
    await runtime.engine.idle();
    await runtime.stop();
    expect(first.lines).toContain("[2026-03-01T10:00:00.000Z] information DurableTask: Resumed 0 unfinished orchestration instances from the journal.");

    const second = capture();
    runtime = await startRuntime(second, false);
    try {
      expect(second.lines).toContain("[2026-03-01T10:00:00.000Z] information DurableTask: Resumed 1 unfinished orchestration instance from the journal.");
      await runtime.engine.raiseEvent("console-waiter", "approve", { by: "console test" });
      await runtime.engine.idle();
      expect((await runtime.engine.getStatus("console-waiter"))?.runtimeStatus).toBe("Completed");
    } finally {
      await runtime.stop();
    }
  });
});
