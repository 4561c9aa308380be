/**
 * Issue 7 §3: the rollback target is the revision that serves, read from that revision, and a
 * verified deploy ends with the new revision carrying its traffic even after our own rollback
 * pinned the traffic to a named revision.
 */
import { describe, expect, it } from "vitest";
import type { TargetRecord } from "../../src/entities/targetRecord.js";
import { appsClient } from "../sandbox/containerApps/appsClient.js";
import { LOGIN_SERVER, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, outputOf, stepStatus, type DeployWorld, useDeployWorld, targetRecordOf } from "./world.js";

let world: DeployWorld;
useDeployWorld((started) => (world = started));

const targetRecord = (app: string): Promise<TargetRecord> => targetRecordOf(world, app);

function servingImage(app: string): string | undefined {
  const live = world.app(app);
  return world.revisions(app).find((r) => r.name === live.latestReadyRevisionName)?.template.containers[0]?.image;
}

describe("the rollback target is what serves", () => {
  it("Single mode: after a failed deploy left its image in the template, the next failed deploy rolls back to the image that was serving", async () => {
    const app = await world.seedApp("web-lkg-single");
    const firstBad = await world.pushImage("v2");
    world.sandbox.apps.setImageBehaviour(firstBad, { kind: "neverHealthy" });
    const first = outputOf(await world.runToEnd(await world.start(world.request(app.name, { image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, digest: firstBad }, policy: { onFailure: "none", verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 } }))));
    expect(first.outcome).toBe("Failed");
    // The template now names the failed image, while the first revision still serves.
    expect(world.app(app.name).template.containers[0]!.image).toContain(firstBad);
    expect(servingImage(app.name)).toBe(app.image);

    const secondBad = await world.pushImage("v3");
    world.sandbox.apps.setImageBehaviour(secondBad, { kind: "neverHealthy" });
    const second = outputOf(await world.runToEnd(await world.start(world.request(app.name, { image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, digest: secondBad }, policy: { onFailure: "rollback", verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 } }))));

    expect(second.outcome, second.reason).toBe("RolledBack");
    expect(second.steps.find((step) => step.name === "inspect")?.detail).toContain(`the app template names ${LOGIN_SERVER}/${REPOSITORY}@${firstBad}, but ${second.previousRevision} serves ${app.image}`);
    expect(stepStatus(second, "verify-rollback")).toBe("succeeded");
    expect(world.app(app.name).template.containers[0]!.image).toBe(app.image);
    expect(servingImage(app.name)).toBe(app.image);
    expect((await targetRecord(app.name)).lastKnownGood?.image).toBe(app.image);
  });

  it("Multiple mode: deploy, fail and roll back, then deploy again: the new revision ends with 100% of the traffic", async () => {
    const app = await world.seedApp("web-lkg-multi", {
      activeRevisionsMode: "Multiple",
      ingress: { external: true, targetPort: 80, traffic: [{ latestRevision: true, weight: 100 }] },
    });
    const first = world.app(app.name).latestReadyRevisionName!;
    const bad = await world.pushImage("v2");
    world.sandbox.apps.setImageBehaviour(bad, { kind: "neverHealthy" });
    const failed = outputOf(await world.runToEnd(await world.start(world.request(app.name, { policy: { onFailure: "rollback", verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 } }))));
    expect(failed.outcome).toBe("RolledBack");
    // Our own rollback pinned the traffic to the previous revision by name.
    expect(world.app(app.name).configuration.ingress?.traffic).toEqual([{ revisionName: first, weight: 100 }]);

    await world.pushImage("v3");
    const id = await world.start(world.request(app.name, { image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, tag: "v3" } }));
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome, out.reason).toBe("Succeeded");
    const revisions = world.revisions(app.name);
    expect(revisions.find((r) => r.name === out.newRevision)).toMatchObject({ active: true, trafficWeight: 100 });
    expect(revisions.find((r) => r.name === first)?.trafficWeight ?? 0).toBe(0);
    expect((await targetRecord(app.name)).lastKnownGood?.revision).toBe(out.newRevision);
  });

  it("says so in the status when the last known good on record is not what serves, and rolls back to what serves", async () => {
    const app = await world.seedApp("web-lkg-record");
    await world.pushImage("v2");
    const good = outputOf(await world.runToEnd(await world.start(world.request(app.name))));
    expect(good.outcome).toBe("Succeeded");
    expect((await targetRecord(app.name)).lastKnownGood?.revision).toBe(good.newRevision);

    // Someone deploys outside aca-rollout: a new revision serves that the record does not know.
    const manual = `${LOGIN_SERVER}/${REPOSITORY}@${await world.pushImage("hotfix")}`;
    const client = appsClient(world.sandbox, SUBSCRIPTION);
    const poller = client.containerApps.update(RESOURCE_GROUP, app.name, { location: "East US", template: { containers: [{ name: "web", image: manual }], revisionSuffix: "manual" } });
    await poller.submitted();
    await world.clock.advance(120_000);
    expect(servingImage(app.name)).toBe(manual);

    const bad = await world.pushImage("v4");
    world.sandbox.apps.setImageBehaviour(bad, { kind: "neverHealthy" });
    const out = outputOf(await world.runToEnd(await world.start(world.request(app.name, { image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, digest: bad }, policy: { onFailure: "rollback", verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 } }))));

    expect(out.outcome, out.reason).toBe("RolledBack");
    expect(out.steps.find((step) => step.name === "inspect")?.detail).toContain(`the last known good on record is ${good.newRevision} (${good.image}), but ${app.name}--manual (${manual}) serves with traffic`);
    expect(servingImage(app.name)).toBe(manual);
    expect((await targetRecord(app.name)).lastKnownGood?.image).toBe(manual);
  });
});
