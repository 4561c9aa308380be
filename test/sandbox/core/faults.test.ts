import { RestError } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { FaultInjector } from "../../../src/sandbox/kernel/faults.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "../acr/acrClient.js";

const RUNS_READ = "Microsoft.ContainerRegistry/registries/runs/read";
const REGISTRY_READ = "Microsoft.ContainerRegistry/registries/read";

describe("injected faults, seen through the real SDK", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ clock: new VirtualClock() });
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
  });

  it("a 429 with Retry-After: 1 is retried by the SDK after that second, then succeeds", async () => {
    sandbox.faults.inject({ operation: REGISTRY_READ, status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const registry = await acrClient(sandbox, { maxRetries: 3 }).registries.get(RESOURCE_GROUP, REGISTRY);
    const elapsed = Date.now() - started;
    expect(registry.loginServer).toBe(`${REGISTRY}.azurecr.io`);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    const calls = sandbox.callLog.calls({ operation: REGISTRY_READ });
    expect(calls.map((call) => [call.status, call.faulted])).toEqual([
      [429, true],
      [200, false],
    ]);
    expect(sandbox.throttle.rejectedCount()).toBe(0);
  });

  it("an ARM error surfaces as a RestError with the ARM code and the correlation id", async () => {
    const rule = sandbox.faults.inject({ operation: REGISTRY_READ, status: 403, message: "The client does not have authorization to perform action." });
    const error = await acrClient(sandbox).registries.get(RESOURCE_GROUP, REGISTRY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestError);
    const restError = error as RestError;
    expect(restError.statusCode).toBe(403);
    expect(restError.code).toBe("AuthorizationFailed");
    expect(restError.message).toContain("does not have authorization");
    const correlationId = restError.response?.headers.get("x-ms-correlation-request-id");
    expect(correlationId).toBe(sandbox.callLog.calls({ operation: REGISTRY_READ })[0]?.correlationId);
    expect(sandbox.faults.list().find((r) => r.id === rule.id)).toBeUndefined();
  });

  it("a burst of 503s is retried through, and only `times` calls fail", async () => {
    sandbox.faults.inject({ operation: REGISTRY_READ, status: 503, times: 3 });
    const registry = await acrClient(sandbox, { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 }).registries.get(RESOURCE_GROUP, REGISTRY);
    expect(registry.name).toBe(REGISTRY);
    expect(sandbox.callLog.calls({ operation: REGISTRY_READ }).map((call) => call.status)).toEqual([503, 503, 503, 200]);
  });

  it("a matching rule only hits its operation; 'always' never runs out", async () => {
    sandbox.faults.inject({ operation: RUNS_READ, status: 500, times: "always", code: "InternalServerError" });
    const client = acrClient(sandbox, { maxRetries: 0 });
    await expect(client.registries.get(RESOURCE_GROUP, REGISTRY)).resolves.toMatchObject({ name: REGISTRY });
    await expect(client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1")).rejects.toMatchObject({ statusCode: 500, code: "InternalServerError" });
    await expect(client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1")).rejects.toMatchObject({ statusCode: 500 });
    expect(sandbox.faults.list()[0]?.hits).toBe(2);
  });

  it("a delay-only rule slows the answer by real milliseconds and then handles the call", async () => {
    sandbox.faults.inject({ method: "GET", pathContains: `/registries/${REGISTRY}`, delayMs: 150 });
    const started = Date.now();
    await acrClient(sandbox).registries.get(RESOURCE_GROUP, REGISTRY);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const [call] = sandbox.callLog.calls({ operation: REGISTRY_READ });
    expect(call).toMatchObject({ status: 200, faulted: true });
  });
});

describe("FaultInjector", () => {
  it("rejects rules without an effect or with unknown fields", () => {
    const faults = new FaultInjector();
    expect(() => faults.inject({ operation: "x" })).toThrow(/status.*delayMs/);
    expect(() => faults.inject({ status: 200 })).toThrow(/status/);
    expect(() => faults.inject({ status: 503, times: 0 })).toThrow(/times/);
  });

  it("matches on every given attribute and spends uses in order", () => {
    const faults = new FaultInjector();
    faults.inject({ method: "post", pathContains: "/RUNS/", status: 409, times: 2 });
    const target = { operation: "op", method: "POST", path: "/a/runs/ca1/cancel", plane: "arm" as const };
    expect(faults.take({ ...target, method: "GET" })).toBeUndefined();
    expect(faults.take(target)?.status).toBe(409);
    expect(faults.take(target)?.remaining).toBe(0);
    expect(faults.take(target)).toBeUndefined();
  });
});
