import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "./harness.js";

const clientInput = df.input.durableClient();
const seen: unknown[] = [];

df.app.activity("needsClient", {
  extraInputs: [clientInput],
  handler: (_input: unknown, context) => {
    seen.push(context.extraInputs.get(clientInput));
    seen.push(context.triggerMetadata?.instanceId);
    return context.options.extraInputs.length;
  },
});

df.app.orchestration("callsNeedsClient", function* (context: OrchestrationContext) {
  return (yield context.df.callActivity("needsClient")) as unknown;
});

describe("extra inputs", () => {
  let t: TestEngine | undefined;

  afterEach(async () => {
    await t?.engine.stop();
    seen.length = 0;
  });

  it("asks the host for the values of an activity's declared inputs", async () => {
    const asked: Array<{ name: string; kind: string; defs: readonly unknown[] }> = [];
    t = await startTestEngine({
      extraInputs: (fn, defs) => {
        asked.push({ ...fn, defs });
        return new Map([[clientInput.name, { taskHubName: "hub" }]]);
      },
    });
    const id = await t.run("callsNeedsClient", undefined, "caller");
    expect((await t.engine.getStatus(id))?.output).toBe(1);
    expect(seen).toEqual([{ taskHubName: "hub" }, "caller"]);
    // The definitions are the function's registered input bindings (the host sends their values as input data).
    expect(asked).toEqual([{ name: "needsClient", kind: "activity", defs: [expect.objectContaining({ name: clientInput.name, type: "durableClient", direction: "in" })] }]);
  });
});
