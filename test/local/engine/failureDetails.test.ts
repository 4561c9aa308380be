import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "./harness.js";

class ArmError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly correlationId: string,
  ) {
    super(message);
    this.name = "ArmError";
  }
}

df.app.setExceptionPropertiesProvider({
  getExceptionProperties: (error) => (error instanceof ArmError ? { code: error.code, correlationId: error.correlationId } : undefined),
});

df.app.activity("armCall", {
  handler: (kind: string) => {
    if (kind === "arm") throw new ArmError("The resource was not found.", "ResourceNotFound", "corr-123");
    throw new Error("plain failure");
  },
});

df.app.orchestration("catchesFailures", function* (context: OrchestrationContext) {
  const kind = context.df.getInput<string>();
  try {
    yield context.df.callActivity("armCall", kind);
    return "unexpected";
  } catch (error) {
    const failure = error instanceof df.TaskFailedError ? error.failureDetails : undefined;
    return { message: (error as Error).message, structured: error instanceof df.TaskFailedError, errorType: failure?.errorType, properties: failure?.properties };
  }
});

df.app.orchestration("rethrows", function* (context: OrchestrationContext) {
  yield context.df.callActivity("armCall", "arm");
});

describe("activity failures", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.engine.stop();
  });

  it("carries structured FailureDetails when the worker sends them", async () => {
    const id = await t.run("catchesFailures", "arm");
    expect((await t.engine.getStatus(id))?.output).toEqual({
      message: "ArmError: The resource was not found.",
      structured: true,
      errorType: "ArmError",
      properties: { code: "ResourceNotFound", correlationId: "corr-123" },
    });
  });

  it("uses the extension's legacy Reason/Details text otherwise", async () => {
    const id = await t.run("catchesFailures", "plain");
    const output = (await t.engine.getStatus(id))?.output as { message: string; structured: boolean };
    expect(output.structured).toBe(false);
    expect(output.message).toMatch(/^Activity function 'armCall' failed: plain failure \n \{"ErrorType":"Error","Message":"plain failure","StackTrace":"Error: plain failure\\n/);
  });

  it("fails the orchestration with the extension's message when the failure is not caught", async () => {
    const id = await t.run("rethrows");
    const status = await t.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe("Failed");
    expect(status?.output).toBe("Orchestrator function 'rethrows' failed: ArmError: The resource was not found.");
    const completed = t.engine.getHistory(id)?.find((e) => e.EventType === 1);
    expect(completed?.FailureDetails).toMatchObject({ ErrorType: "ArmError", Properties: { code: "ResourceNotFound", correlationId: "corr-123" } });
  });
});
