import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InstanceStatus } from "../../src/local/engine/api.js";
import { CANCEL_EVENT } from "../../src/orchestrations/names.js";
import { RESOURCE_GROUP, outputOf, startDeployWorld, stepStatus, type DeployView, type DeployWorld } from "./world.js";

let world: DeployWorld;
beforeAll(async () => {
  world = await startDeployWorld();
});
afterAll(async () => {
  await world?.stop();
});

const phase = (s: InstanceStatus): string | undefined => (s.customStatus as DeployView | undefined)?.phase;
const APP_WRITES = (app: string) => world.sandbox.callLog.calls().filter((c) => c.method !== "GET" && c.operation.startsWith("Microsoft.App/") && c.path.includes(`/${app}`));

describe("cancel", () => {
  it("cancels during the build: the ACR run is canceled and the Container App is not touched", async () => {
    const app = await world.seedApp("web-cancel-build");
    const request = world.request(app.name, {
      build: { registry: { resourceGroup: RESOURCE_GROUP }, source: { kind: "git", url: "https://github.com/contoso/web.git" } },
    });
    const id = await world.start(request);
    const building = await world.runToEnd(id, { until: (s) => phase(s) === "Building" && (s.customStatus as DeployView).runId !== undefined });
    const runId = (building.customStatus as DeployView).runId!;
    await world.clock.advance(10_000, world.settle);

    await world.runtime.engine.raiseEvent(id, CANCEL_EVENT, { requestedBy: "test" });
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("Canceled");
    expect(out.reason).toContain(`ACR run ${runId} canceled`);
    expect(stepStatus(out, "build")).toBe("failed");
    expect(stepStatus(out, "deploy")).toBe("skipped");
    expect(world.sandbox.acr.scheduledRun(runId)?.status).toBe("Canceled");
    expect(APP_WRITES(app.name)).toEqual([]);
    // The build wait saw the run end and finished too.
    await world.runToEnd(`${id}-build`);
    expect((await world.runtime.engine.getStatus(`${id}-build`))?.runtimeStatus).toBe("Completed");
  });

  it("cancels after the PATCH: the last known good is restored and the digest is not quarantined", async () => {
    const app = await world.seedApp("web-cancel-verify");
    await world.pushImage("v2");
    const id = await world.start(world.request(app.name));
    await world.runToEnd(id, { until: (s) => phase(s) === "Verifying" });
    expect(world.app(app.name).template.containers[0]!.image).not.toBe(app.image);

    await world.runtime.engine.raiseEvent(id, CANCEL_EVENT, {});
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("Canceled");
    expect(out.reason).toMatch(/canceled by request; restored/);
    expect(out.quarantinedDigest).toBeUndefined();
    expect(stepStatus(out, "verify")).toBe("failed");
    expect(stepStatus(out, "rollback")).toBe("succeeded");
    expect(stepStatus(out, "verify-rollback")).toBe("succeeded");
    expect(stepStatus(out, "quarantine")).toBe("skipped");
    const live = world.app(app.name);
    expect(live.template.containers[0]!.image).toBe(app.image);
    expect(world.revisions(app.name).find((r) => r.name === live.latestReadyRevisionName)?.template.containers[0]?.image).toBe(app.image);
  });

  it("cancels a queued deploy without touching the app, and the app is handed on", async () => {
    const app = await world.seedApp("web-cancel-queued");
    await world.pushImage("v2");
    const first = await world.start(world.request(app.name));
    await world.settle();
    const second = await world.start(world.request(app.name));
    const third = await world.start(world.request(app.name));
    await world.settle();
    expect(phase((await world.runtime.engine.getStatus(third))!)).toBe("Queued");

    await world.runtime.engine.raiseEvent(third, CANCEL_EVENT, {});
    const canceled = outputOf(await world.runToEnd(third));
    expect(canceled.outcome).toBe("Canceled");
    expect(stepStatus(canceled, "inspect")).toBe("skipped");

    // With the newest waiter gone, the second runs after the first instead of being superseded.
    expect(outputOf(await world.runToEnd(first)).outcome).toBe("Succeeded");
    expect(outputOf(await world.runToEnd(second)).outcome).toBe("Succeeded");
    expect(APP_WRITES(app.name).filter((c) => c.operation === "Microsoft.App/containerApps/write")).toHaveLength(2);
  });
});
