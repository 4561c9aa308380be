import { Agent } from "node:https";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { ArmThrottle } from "../../../src/sandbox/kernel/armThrottle.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "../acr/acrClient.js";
import { sandboxRequest, trustingAgent } from "./sandboxHttp.js";

const REGISTRY_PATH = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`;

describe("ARM token buckets over HTTPS", () => {
  const clock = new VirtualClock();
  let sandbox: Sandbox;
  let agent: Agent;

  beforeAll(async () => {
    sandbox = await startSandbox({ clock, registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY }] });
    agent = trustingAgent(sandbox.caPem);
  });
  afterAll(async () => {
    agent.destroy();
    await sandbox.stop();
  });
  beforeEach(() => sandbox.reset());

  const read = () => sandboxRequest(sandbox, "GET", `${REGISTRY_PATH}?api-version=2025-11-01`, { agent });

  it("drains 250 reads, then answers 429 with Retry-After, and refills on the clock", async () => {
    const responses = [];
    for (let i = 0; i < 260; i++) responses.push(await read());
    const remaining = responses.slice(0, 250).map((r) => Number(r.headers["x-ms-ratelimit-remaining-subscription-reads"]));
    expect(remaining[0]).toBe(249);
    expect(remaining[249]).toBe(0);
    expect(remaining.every((value, index) => index === 0 || value === remaining[index - 1]! - 1)).toBe(true);
    expect(responses.slice(0, 250).every((r) => r.status === 200)).toBe(true);

    const throttled = responses.slice(250);
    expect(throttled.every((r) => r.status === 429)).toBe(true);
    expect(throttled[0]!.headers["retry-after"]).toBe("1");
    expect(throttled[0]!.json).toMatchObject({ error: { code: "TooManyRequests" } });
    expect(sandbox.throttle.rejectedCount("reads")).toBe(10);
    expect(sandbox.throttle.minRemaining("reads")).toBe(0);
    expect(sandbox.callLog.calls({ status: 429 }).every((call) => call.throttled)).toBe(true);

    await clock.advance(1_000);
    const refilled = await read();
    expect(refilled.status).toBe(200);
    expect(refilled.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("24");
  });

  it("counts writes (POST actions) in their own bucket and reports it", async () => {
    const response = await sandboxRequest(sandbox, "POST", `${REGISTRY_PATH}/listBuildSourceUploadUrl?api-version=2019-06-01-preview`, { agent });
    expect(response.status).toBe(200);
    expect(response.headers["x-ms-ratelimit-remaining-subscription-writes"]).toBe("199");
    expect(response.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBeUndefined();
    expect((await read()).headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("249");
    expect(sandbox.throttle.minRemaining()).toBe(199);
    expect(sandbox.throttle.rejectedCount()).toBe(0);
  });

  it("keeps one bucket per subscription", async () => {
    await read();
    const other = await sandboxRequest(sandbox, "GET", `/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/otherreg?api-version=2025-11-01`, { agent });
    expect(other.status).toBe(404);
    expect(other.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("249");
  });
});

describe("ArmThrottle", () => {
  it("refills fractionally at 10 writes per second up to the capacity", async () => {
    const clock = new VirtualClock();
    const throttle = new ArmThrottle(clock);
    for (let i = 0; i < 200; i++) expect(throttle.take("sub", "writes").allowed).toBe(true);
    const empty = throttle.take("sub", "writes");
    expect(empty).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    await clock.advance(50);
    expect(throttle.take("sub", "writes").allowed).toBe(false);
    await clock.advance(50);
    expect(throttle.take("sub", "writes")).toEqual({ allowed: true, remaining: 0 });
    await clock.advance(3_600_000);
    expect(throttle.snapshot().remaining.sub?.writes).toBe(200);
    throttle.reset();
    expect(throttle.rejectedCount()).toBe(0);
    expect(throttle.minRemaining()).toBe(200);
  });
});
