import { describe, expect, it } from "vitest";
import type { TargetRecord } from "../../src/entities/targetRecord.js";
import { outputOf, stepStatus, type DeployWorld, useDeployWorld, targetRecordOf, appRef } from "./world.js";

let world: DeployWorld;
useDeployWorld((started) => (world = started));

const targetRecord = (app: string): Promise<TargetRecord> => targetRecordOf(world, app);

describe("fall back when the new revision is bad", () => {
  it("restarts a revision that is unhealthy until restarted, then succeeds", async () => {
    const app = await world.seedApp("web-restart");
    await world.pushImage("v2");
    world.sandbox.apps.setNextRevisionBehaviour(appRef(app.name), { kind: "unhealthyUntilRestarted" });
    world.sandbox.callLog.clear();
    const id = await world.start(world.request(app.name));
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("Succeeded");
    expect(out.reason).toMatch(/after a restart/);
    expect(stepStatus(out, "verify")).toBe("failed");
    expect(stepStatus(out, "restart")).toBe("succeeded");
    expect(stepStatus(out, "verify-after-restart")).toBe("succeeded");
    expect(stepStatus(out, "rollback")).toBe("skipped");
    const restarts = world.sandbox.callLog.calls({ operation: "Microsoft.App/containerApps/revisions/restart/action" });
    expect(restarts.map((c) => c.path.split("/").slice(-2, -1)[0])).toEqual([out.newRevision]);
    expect(world.app(app.name).latestReadyRevisionName).toBe(out.newRevision);
  });

  it("restarts, then rolls back a never-healthy revision in Single mode and quarantines its digest", async () => {
    const app = await world.seedApp("web-rollback");
    const bad = await world.pushImage("v2");
    world.sandbox.apps.setImageBehaviour(bad, { kind: "neverHealthy" });
    const id = await world.start(world.request(app.name));
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("RolledBack");
    expect(out.quarantinedDigest).toBe(bad);
    for (const [step, status] of [
      ["verify", "failed"],
      ["restart", "succeeded"],
      ["verify-after-restart", "failed"],
      ["rollback", "succeeded"],
      ["verify-rollback", "succeeded"],
      ["quarantine", "succeeded"],
    ]) {
      expect(stepStatus(out, step!), step).toBe(status);
    }
    // The old digest runs again, in a revision of its own, ready and taking all traffic.
    const live = world.app(app.name);
    expect(live.template.containers[0]!.image).toBe(app.image);
    const serving = world.revisions(app.name).find((r) => r.name === live.latestReadyRevisionName)!;
    expect(serving.template.containers[0]!.image).toBe(app.image);
    expect(serving.trafficWeight).toBe(100);
    expect(serving.name).not.toBe(out.newRevision);

    const record = await targetRecord(app.name);
    expect(record.quarantine.map((q) => q.digest)).toEqual([bad]);
    expect(record.quarantine[0]!.deploymentId).toBe(id);
    expect(record.lastKnownGood?.image).toBe(app.image);
    expect(record.lastDeployment).toMatchObject({ deploymentId: id, outcome: "RolledBack" });
  });

  it("rolls back in Multiple mode by activating the previous revision, moving traffic and deactivating the bad one", async () => {
    const app = await world.seedApp("web-multi", {
      activeRevisionsMode: "Multiple",
      ingress: { external: true, targetPort: 80, traffic: [{ latestRevision: true, weight: 100 }] },
    });
    const previous = world.app(app.name).latestReadyRevisionName!;
    const bad = await world.pushImage("v2");
    world.sandbox.apps.setImageBehaviour(bad, { kind: "neverHealthy" });
    world.sandbox.callLog.clear();
    const id = await world.start(world.request(app.name, { policy: { onFailure: "rollback", verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 } }));
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("RolledBack");
    expect(stepStatus(out, "restart")).toBe("skipped");
    const ops = world.sandbox.callLog.calls().filter((c) => c.method !== "GET").map((c) => c.operation);
    const activate = ops.indexOf("Microsoft.App/containerApps/revisions/activate/action");
    const deactivate = ops.indexOf("Microsoft.App/containerApps/revisions/deactivate/action");
    const trafficWrite = ops.lastIndexOf("Microsoft.App/containerApps/write");
    expect(activate).toBeGreaterThanOrEqual(0);
    expect(trafficWrite).toBeGreaterThan(activate);
    expect(deactivate).toBeGreaterThan(trafficWrite);

    expect(world.app(app.name).configuration.ingress?.traffic).toEqual([{ revisionName: previous, weight: 100 }]);
    const revisions = world.revisions(app.name);
    expect(revisions.find((r) => r.name === previous)).toMatchObject({ active: true, trafficWeight: 100 });
    expect(revisions.find((r) => r.name === out.newRevision)?.active).toBe(false);
    expect((await targetRecord(app.name)).quarantine.map((q) => q.digest)).toContain(bad);
  });

  it("lists the steps of a rolled-back deploy in the order they ran, skipped ones last", async () => {
    const app = await world.seedApp("web-timeline-order");
    const bad = await world.pushImage("v2");
    world.sandbox.apps.setImageBehaviour(bad, { kind: "neverHealthy" });
    const id = await world.start(world.request(app.name));
    const status = await world.runToEnd(id);
    const out = outputOf(status);

    expect(out.outcome).toBe("RolledBack");
    const expected = ["queue", "inspect", "resolve-digest", "deploy", "verify", "restart", "verify-after-restart", "quarantine", "rollback", "verify-rollback", "build"];
    expect(out.steps.map((s) => s.name)).toEqual(expected);
    expect((status.customStatus as { steps: { name: string }[] }).steps.map((s) => s.name)).toEqual(expected);
    expect(out.steps.at(-1)?.status).toBe("skipped");
    const started = out.steps.filter((s) => s.status !== "skipped").map((s) => Date.parse(s.startedAt!));
    expect(started).toEqual([...started].sort((a, b) => a - b));
  });
});
