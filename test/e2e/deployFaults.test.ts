import { describe, expect, it } from "vitest";
import { outputOf, stepStatus, type DeployWorld, useDeployWorld } from "./world.js";

let world: DeployWorld;
useDeployWorld((started) => (world = started));

const APP_READ = "Microsoft.App/containerApps/read";
const REVISION_READ = "Microsoft.App/containerApps/revisions/read";
const APP_WRITE = "Microsoft.App/containerApps/write";

describe("ARM faults", () => {
  it("rides out 429 with Retry-After and a 503 burst while polling, without ever exceeding the token bucket", async () => {
    const app = await world.seedApp("web-throttled");
    await world.pushImage("v2");
    const id = await world.start(world.request(app.name));
    await world.runToEnd(id, { until: (s) => (s.customStatus as { phase?: string } | undefined)?.phase === "Verifying" });

    world.sandbox.faults.inject({ operation: REVISION_READ, status: 429, retryAfterSeconds: 1, times: 2 });
    // One more 503 than the SDK retries (3): the activity reports a fault and the orchestrator's durable retry takes over.
    world.sandbox.faults.inject({ operation: APP_READ, status: 503, times: 5 });
    const status = await world.runToEnd(id);
    const out = outputOf(status);

    expect(status.runtimeStatus).toBe("Completed");
    expect(out.outcome).toBe("Succeeded");
    expect(stepStatus(out, "verify")).toBe("succeeded");
    expect(world.sandbox.callLog.calls({ operation: REVISION_READ, status: 429 })).toHaveLength(2);
    expect(world.sandbox.callLog.calls({ operation: APP_READ, status: 503 })).toHaveLength(5);
    // The product's own reads never drained ARM's bucket: no 429 came from the bucket itself.
    expect(world.sandbox.throttle.rejectedCount()).toBe(0);
    expect(world.sandbox.throttle.minRemaining("reads")).toBeGreaterThan(0);
  });

  it("fails on a 403 from the update with the ARM code and correlation id, without retrying a refusal", async () => {
    const app = await world.seedApp("web-forbidden");
    await world.pushImage("v2");
    world.sandbox.callLog.clear();
    world.sandbox.faults.inject({ operation: APP_WRITE, status: 403, code: "AuthorizationFailed", message: "The client does not have authorization to perform action 'Microsoft.App/containerApps/write'.", times: "always" });
    try {
      const id = await world.start(world.request(app.name));
      const out = outputOf(await world.runToEnd(id));

      expect(out.outcome).toBe("Failed");
      expect(stepStatus(out, "deploy")).toBe("failed");
      expect(out.error?.code).toBe("AuthorizationFailed");
      expect(out.error?.statusCode).toBe(403);
      const patches = world.sandbox.callLog.calls({ operation: APP_WRITE });
      expect(patches).toHaveLength(1);
      expect(out.error?.correlationId).toBe(patches[0]!.correlationId);
      expect(out.reason).toContain("AuthorizationFailed");
      expect(world.app(app.name).template.containers[0]!.image).toBe(app.image);
    } finally {
      world.sandbox.faults.clear();
    }
  });

  it("gives up on an update that keeps failing with 5xx after the configured retries, and releases the app", async () => {
    const app = await world.seedApp("web-broken-arm");
    await world.pushImage("v2");
    world.sandbox.callLog.clear();
    world.sandbox.faults.inject({ operation: APP_WRITE, status: 500, code: "InternalServerError", times: "always" });
    try {
      const request = world.request(app.name);
      const id = await world.start(request);
      const out = outputOf(await world.runToEnd(id));
      expect(out.outcome).toBe("Failed");
      expect(out.reason).toContain("InternalServerError");
      // 3 durable attempts, each with the SDK's 1 + 3 tries.
      expect(world.sandbox.callLog.calls({ operation: APP_WRITE })).toHaveLength(3 * 4);
    } finally {
      world.sandbox.faults.clear();
    }
    // The app was released: the next deploy runs at once.
    const next = await world.start(world.request(app.name));
    expect(outputOf(await world.runToEnd(next)).outcome).toBe("Succeeded");
  });
});
