import { describe, expect, it } from "vitest";
import type { InstanceStatus } from "../../src/local/engine/api.js";
import { RESOURCE_GROUP, SUBSCRIPTION, outputOf, stepStatus, type DeployView, type DeployWorld, useDeployWorld } from "./world.js";

let world: DeployWorld;
useDeployWorld((started) => (world = started), { clearFaultsAfterEach: true });

const REVISION_READ = "Microsoft.App/containerApps/revisions/read";
const RUN_READ = "Microsoft.ContainerRegistry/registries/runs/read";
const APP_WRITE = "Microsoft.App/containerApps/write";
/** Faulted calls that exhaust one activity: 3 durable attempts, each with the SDK's 1 + 3 tries. */
const CALLS_PER_FAULTED_ACTIVITY = 3 * 4;
const view = (s: InstanceStatus): DeployView | undefined => s.customStatus as DeployView | undefined;

describe("faults after the PATCH go through the fallback ladder", () => {
  it("rolls back when the verification's revision reads keep failing, and the previous revision serves again", async () => {
    const app = await world.seedApp("web-verify-faults");
    await world.pushImage("v2");
    const id = await world.start(world.request(app.name));
    await world.runToEnd(id, { until: (s) => view(s)?.phase === "Verifying" });
    const newRevision = view((await world.runtime.engine.getStatus(id))!)!.newRevision;
    expect(newRevision).toBeDefined();

    // Enough 503s to exhaust the reads of the verification and of the verification after the restart.
    world.sandbox.faults.inject({ operation: REVISION_READ, status: 503, code: "ServiceUnavailable", times: 2 * CALLS_PER_FAULTED_ACTIVITY });
    const status = await world.runToEnd(id);
    const out = outputOf(status);

    expect(status.runtimeStatus).toBe("Completed");
    expect(out.outcome).toBe("RolledBack");
    expect(stepStatus(out, "verify")).toBe("failed");
    expect(stepStatus(out, "restart")).toBe("succeeded");
    expect(stepStatus(out, "verify-after-restart")).toBe("failed");
    expect(stepStatus(out, "rollback")).toBe("succeeded");
    expect(stepStatus(out, "verify-rollback")).toBe("succeeded");
    expect(out.steps.find((s) => s.name === "verify")?.detail).toContain("ServiceUnavailable");
    expect(out.error?.code).toBe("ServiceUnavailable");
    expect(out.error?.correlationId).toMatch(/\S/);
    // The revision could not be judged, so its digest is not quarantined.
    expect(out.quarantinedDigest).toBeUndefined();
    expect(stepStatus(out, "quarantine")).toBe("skipped");
    expect(world.sandbox.callLog.calls({ operation: REVISION_READ, status: 503 })).toHaveLength(2 * CALLS_PER_FAULTED_ACTIVITY);

    // The previous image serves again, ready and with all the traffic, in a revision that is not the failed one.
    const live = world.app(app.name);
    expect(live.template.containers[0]!.image).toBe(app.image);
    const serving = world.revisions(app.name).find((r) => r.name === live.latestReadyRevisionName)!;
    expect(serving.template.containers[0]!.image).toBe(app.image);
    expect(serving.trafficWeight).toBe(100);
    expect(serving.name).not.toBe(newRevision);
  });

  it("ends Failed with nothing written when the build wait's run reads keep failing", async () => {
    const app = await world.seedApp("web-build-faults");
    const id = await world.start(
      world.request(app.name, { build: { registry: { resourceGroup: RESOURCE_GROUP }, source: { kind: "git", url: "https://github.com/contoso/web.git" } } }),
    );
    await world.runToEnd(id, { until: (s) => view(s)?.runId !== undefined });
    world.sandbox.callLog.clear();
    world.sandbox.faults.inject({ operation: RUN_READ, status: 503, code: "ServiceUnavailable", times: "always" });
    const status = await world.runToEnd(id);
    const out = outputOf(status);

    expect(status.runtimeStatus).toBe("Completed");
    expect(out.outcome).toBe("Failed");
    expect(stepStatus(out, "build")).toBe("failed");
    expect(stepStatus(out, "deploy")).toBe("skipped");
    expect(out.reason).toContain(`build run ${out.runId!} could not be read`);
    expect(out.error?.code).toBe("ServiceUnavailable");
    expect(world.sandbox.callLog.calls({ operation: RUN_READ, status: 503 })).toHaveLength(CALLS_PER_FAULTED_ACTIVITY);
    expect(world.sandbox.callLog.calls({ operation: APP_WRITE })).toEqual([]);
    expect(world.sandbox.callLog.calls().filter((c) => c.method !== "GET" && c.operation.startsWith("Microsoft.App/"))).toEqual([]);
    // The app was released: the next deploy runs.
    world.sandbox.faults.clear();
    await world.pushImage("v2");
    const next = await world.start(world.request(app.name));
    expect(outputOf(await world.runToEnd(next)).outcome).toBe("Succeeded");
  });

  it("fails the verification with RevisionNotFound after three reads when the deploy's revision answers 404, and falls back at once", async () => {
    const app = await world.seedApp("web-revision-gone");
    await world.pushImage("v2");
    const id = await world.start(world.request(app.name, { policy: { onFailure: "rollback", verifyTimeoutSeconds: 600, warmupGraceSeconds: 60 } }));
    await world.runToEnd(id, { until: (s) => view(s)?.phase === "Verifying" });
    const newRevision = view((await world.runtime.engine.getStatus(id))!)!.newRevision!;
    const patchedAt = world.clock.now();
    // Azure forgot the revision this deploy created (as the sandbox did before it kept its state).
    world.sandbox.faults.inject({ operation: REVISION_READ, pathContains: `/revisions/${newRevision}`, status: 404, code: "ContainerAppRevisionNotFound", times: "always" });
    const status = await world.runToEnd(id);
    const out = outputOf(status);

    expect(out.outcome).toBe("RolledBack");
    expect(stepStatus(out, "verify")).toBe("failed");
    expect(out.steps.find((s) => s.name === "verify")?.detail).toContain("RevisionNotFound");
    expect(out.error?.code).toBe("RevisionNotFound");
    expect(stepStatus(out, "rollback")).toBe("succeeded");
    expect(stepStatus(out, "verify-rollback")).toBe("succeeded");
    // Never judged, so not quarantined; and decided in well under the 10-minute verify timeout.
    expect(out.quarantinedDigest).toBeUndefined();
    const patched = world.sandbox.callLog.calls({ operation: APP_WRITE, pathContains: app.name })[0]!.seq;
    expect(world.sandbox.callLog.calls({ operation: REVISION_READ, pathContains: `/revisions/${newRevision}`, status: 404, afterSeq: patched })).toHaveLength(3);
    const verifyEnded = Date.parse(out.steps.find((s) => s.name === "verify")!.finishedAt!);
    expect(verifyEnded - patchedAt).toBeLessThan(60_000);
    expect(world.app(app.name).template.containers[0]!.image).toBe(app.image);
  });

  it("falls back when the verification sub-orchestration itself fails (a faulted child of the race with the cancel)", async () => {
    const app = await world.seedApp("web-verify-crashed");
    await world.pushImage("v2");
    world.sandbox.apps.setNextRevisionBehaviour({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: app.name }, { kind: "slow", durations: { healthy: 150_000 } });
    const id = await world.start(world.request(app.name, { policy: { onFailure: "rollback", verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 } }));
    await world.runToEnd(id, { until: (s) => view(s)?.steps.find((x) => x.name === "verify")?.status === "running" });
    // The wait ends in failure, as a sub-orchestration that crashed or was terminated does.
    await world.runtime.engine.terminate(`${id}-verify`, "crashed");
    const status = await world.runToEnd(id);
    const out = outputOf(status);

    expect(status.runtimeStatus).toBe("Completed");
    expect(out.outcome).toBe("RolledBack");
    expect(stepStatus(out, "verify")).toBe("failed");
    expect(out.steps.find((s) => s.name === "verify")?.detail).toContain("verifyRevision");
    expect(stepStatus(out, "rollback")).toBe("succeeded");
    expect(stepStatus(out, "verify-rollback")).toBe("succeeded");
    expect(out.quarantinedDigest).toBeUndefined();
    expect(world.app(app.name).template.containers[0]!.image).toBe(app.image);
  });
});
