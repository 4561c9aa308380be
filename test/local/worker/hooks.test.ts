/**
 * `app.hook.*` hooks run where the Node.js worker runs them (azure-functions-nodejs-worker:
 * src/startApp.ts runs appStart after the entry points load; src/eventHandlers/InvocationHandler.ts runs
 * preInvocation after getArguments (inputs and handler replaceable) and postInvocation after the
 * handler (result or error visible), sharing hookData per invocation; appStart and appTerminate share
 * the app-level hookData;
 * src/eventHandlers/terminateWorker.ts runs appTerminate when the worker is shut down).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startLocalRuntime, type LocalRuntime } from "../../../src/local/host.js";

let runtime: LocalRuntime;
let records: string[];
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "aca-rollout-hooks-"));
  runtime = await startLocalRuntime({
    functionModules: async () => {
      records = (await import("../../fixtures/host/hooksApp.js")).hookRecords;
    },
    clock: new VirtualClock("2026-03-01T00:00:00.000Z"),
    dataDir,
    log: () => {},
  });
});

afterAll(async () => {
  await runtime?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("app.hook.*", () => {
  it("ran appStart once the app's modules had loaded, before any invocation", () => {
    expect(records).toEqual(["appStart"]);
  });

  it("runs preInvocation and postInvocation around each invocation, sharing hookData", async () => {
    const response = await fetch(`${runtime.url}/api/hooked`);
    expect(await response.text()).toBe("handled hooked");
    expect(records.slice(1)).toEqual(["pre hooked appLevelVisible=false", 'post hooked sharedHookData=hooked error=none result={"body":"handled hooked"}']);
  });

  it("lets preInvocation replace the callback and shows postInvocation the handler's error", async () => {
    records.length = 1;
    expect(await (await fetch(`${runtime.url}/api/hooked?swap=1`)).text()).toBe("swapped by preInvocation");
    expect((await fetch(`${runtime.url}/api/hookedFails`)).status).toBe(500);
    expect(records.slice(1)).toEqual([
      "pre hooked appLevelVisible=false",
      'post hooked sharedHookData=hooked error=none result={"body":"swapped by preInvocation"}',
      "pre hookedFails appLevelVisible=false",
      "post hookedFails sharedHookData=hookedFails error=handler failed result=null",
    ]);
  });

  it("runs appTerminate when the runtime stops", async () => {
    await runtime.stop();
    expect(records.at(-1)).toBe("appTerminate appLevel=appStart");
  });
});
