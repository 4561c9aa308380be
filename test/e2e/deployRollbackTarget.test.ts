/**
 * Issue 7 §3: the rollback target is the revision that serves, read from that revision, and a
 * verified deploy ends with the new revision carrying its traffic even after our own rollback
 * pinned the traffic to a named revision.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetKey } from "../../src/entities/names.js";
import type { TargetRecord } from "../../src/entities/targetRecord.js";
import { RESOURCE_GROUP, SUBSCRIPTION, outputOf, startDeployWorld, stepStatus, type DeployWorld } from "./world.js";

let world: DeployWorld;
beforeAll(async () => {
  world = await startDeployWorld();
});
afterAll(async () => {
  await world?.stop();
});


async function targetRecord(app: string): Promise<TargetRecord> {
  const state = await world.runtime.engine.readEntityState({ name: "deployTarget", key: targetKey({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: app }) });
  return state.state as TargetRecord;
}

function servingImage(app: string): string | undefined {
  const live = world.app(app);
  return world.revisions(app).find((r) => r.name === live.latestReadyRevisionName)?.template.containers[0]?.image;
}

describe("the rollback target is what serves", () => {
  it("Single mode: after a failed deploy left its image in the template, the next failed deploy rolls back to the image that was serving", async () => {
    const app = await world.seedApp("web-lkg-single");
    const firstBad = await world.pushImage("v2");
    world.sandbox.apps.setImageBehaviour(firstBad, { kind: "neverHealthy" });
    const first = outputOf(await world.runToEnd(await world.start(world.request(app.name, { image: { loginServer: app.image.split("/")[0]!, repository: "team/web", digest: firstBad }, policy: { onFailure: "none", verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 } }))));
    expect(first.outcome).toBe("Failed");
    // The template now names the failed image, while the first revision still serves.
    expect(world.app(app.name).template.containers[0]!.image).toContain(firstBad);
    expect(servingImage(app.name)).toBe(app.image);

    const secondBad = await world.pushImage("v3");
    world.sandbox.apps.setImageBehaviour(secondBad, { kind: "neverHealthy" });
    const second = outputOf(await world.runToEnd(await world.start(world.request(app.name, { image: { loginServer: app.image.split("/")[0]!, repository: "team/web", digest: secondBad }, policy: { onFailure: "rollback", verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 } }))));

    expect(second.outcome, second.reason).toBe("RolledBack");
    expect(stepStatus(second, "verify-rollback")).toBe("succeeded");
    expect(world.app(app.name).template.containers[0]!.image).toBe(app.image);
    expect(servingImage(app.name)).toBe(app.image);
    expect((await targetRecord(app.name)).lastKnownGood?.image).toBe(app.image);
  });
});
