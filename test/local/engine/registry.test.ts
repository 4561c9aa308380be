import functions from "@azure/functions";
import type { HttpRequest, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { describe, expect, it } from "vitest";
import { captureFunctions, resetCapturedFunctions } from "../../../src/local/capture/registry.js";

const app = functions.app;

describe("function capture", () => {
  it("captures durable, http and timer registrations with their options", () => {
    const registry = captureFunctions();
    expect(captureFunctions()).toBe(registry);
    resetCapturedFunctions();

    const client = df.input.durableClient();
    df.app.orchestration("capOrchestration", function* () {
      yield* [];
      return 1;
    });
    df.app.activity("capActivity", { handler: () => 1, extraInputs: [client] });
    df.app.entity("CapEntity", () => undefined);
    const handler = async (_request: HttpRequest, _context: InvocationContext) => ({ body: "ok" });
    app.http("capHttp", { route: "deployments/{id}", methods: ["PUT"], authLevel: "function", handler, extraInputs: [client] });
    app.get("capGet", handler);
    app.deleteRequest("capDelete", { route: "things/{id}", handler });
    app.timer("capTimer", { schedule: "0 */5 * * * *", handler: () => undefined });

    expect([...registry.orchestrations.keys()]).toEqual(["capOrchestration"]);
    expect(registry.activity("capActivity")).toMatchObject({ kind: "activity", extraInputs: [client] });
    expect(registry.entity("capentity")?.name).toBe("CapEntity");
    expect(registry.http.get("capHttp")?.options).toMatchObject({ route: "deployments/{id}", methods: ["PUT"], authLevel: "function", handler, extraInputs: [client] });
    expect(registry.http.get("capGet")?.options).toEqual({ handler, methods: ["GET"] });
    expect(registry.http.get("capDelete")?.options).toEqual({ route: "things/{id}", handler, methods: ["DELETE"] });
    expect(registry.timers.get("capTimer")?.options.schedule).toBe("0 */5 * * * *");
    expect(() => app.post("capActivity", handler)).toThrow("already been registered");
    expect(() => app.post("CAPACTIVITY", handler)).toThrow("already been registered");
    expect(registry.activity("CapActivity")?.name).toBe("capActivity");

    resetCapturedFunctions();
    expect(registry.orchestrations.size + registry.http.size + registry.timers.size).toBe(0);
  });
});
