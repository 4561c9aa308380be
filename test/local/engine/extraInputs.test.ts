import type { FunctionInput } from "@azure/functions";
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
    const asked: Array<{ name: string; kind: string; defs: readonly FunctionInput[] }> = [];
    t = await startTestEngine({
      extraInputs: (fn, defs) => {
        asked.push({ ...fn, defs });
        return new Map([[clientInput.name, { taskHubName: "hub" }]]);
      },
    });
    const id = await t.run("callsNeedsClient", undefined, "caller");
    expect((await t.engine.getStatus(id))?.output).toBe(1);
    expect(seen).toEqual([{ taskHubName: "hub" }, "caller"]);
    expect(asked).toEqual([{ name: "needsClient", kind: "activity", defs: [clientInput] }]);
  });

  it("accepts the HTTP host's context filler instead", async () => {
    t = await startTestEngine({ fillExtraInputs: (context, inputs) => inputs.forEach((input) => context.extraInputs.set(input, { filled: input.type })) });
    await t.run("callsNeedsClient", undefined, "filled-caller");
    expect(seen).toEqual([{ filled: "durableClient" }, "filled-caller"]);
  });
});
