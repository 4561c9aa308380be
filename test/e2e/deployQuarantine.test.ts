/**
 * Quarantine enforced (issue 8 §1), end to end on the local runtime against the sandbox: a tag that
 * resolves at run time to a quarantined digest ends `Quarantined` before any write to the app, and a
 * failed redeploy of the image the app is serving never quarantines that last known good.
 */
import { describe, expect, it } from "vitest";
import type { TargetRecord } from "../../src/entities/targetRecord.js";
import { outputOf, stepStatus, type DeployWorld, useDeployWorld, targetRecordOf, appRef } from "./world.js";

let world: DeployWorld;
useDeployWorld((started) => (world = started));

const targetRecord = (app: string): Promise<TargetRecord> => targetRecordOf(world, app);

const writes = (app: string) => world.sandbox.callLog.calls().filter((c) => c.method !== "GET" && c.path.includes(`/containerApps/${app}`));

describe("quarantine is enforced", () => {
  it("a tag that resolves to a quarantined digest ends Quarantined before any write, saying who quarantined it and how to lift it", async () => {
    const app = await world.seedApp("quarantine-tag");
    const bad = await world.pushImage("v2");
    world.sandbox.apps.setImageBehaviour(bad, { kind: "neverHealthy" });
    const first = await world.start(world.request(app.name));
    const failed = outputOf(await world.runToEnd(first));
    expect([failed.outcome, failed.quarantinedDigest]).toEqual(["RolledBack", bad]);
    const servingBefore = world.app(app.name).latestReadyRevisionName;

    world.sandbox.callLog.clear();
    // The tag still points at the bad digest.
    const again = await world.start(world.request(app.name, { targetName: "web" }));
    const status = await world.runToEnd(again);
    const out = outputOf(status);
    expect(status.runtimeStatus).toBe("Completed");
    expect(out.outcome).toBe("Quarantined");
    expect(out.digest).toBe(bad);
    expect(out.reason).toContain(`${bad} (tag v2) is quarantined for ${app.name}: deploy ${first} quarantined it`);
    expect(out.reason).toContain(`DELETE /api/targets/web/quarantine/${bad}`);
    expect(stepStatus(out, "resolve-digest")).toBe("failed");
    expect(stepStatus(out, "deploy")).toBe("skipped");
    expect(writes(app.name)).toEqual([]);
    expect(world.app(app.name).latestReadyRevisionName).toBe(servingBefore);
    expect((await targetRecord(app.name)).lastDeployment).toMatchObject({ deploymentId: again, outcome: "Quarantined" });
    // The app was released: the next deploy takes it at once.
    expect((await targetRecord(app.name)).queue.holder).toBeUndefined();
  });

  it("a failed redeploy of the digest the app is serving does not quarantine its last known good", async () => {
    const app = await world.seedApp("quarantine-serving");
    world.sandbox.apps.setNextRevisionBehaviour(appRef(app.name), { kind: "neverHealthy" });
    const id = await world.start(world.request(app.name, { image: { loginServer: app.image.split("/")[0]!, repository: "team/web", digest: app.digest } }));
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("RolledBack");
    expect(out.quarantinedDigest).toBeUndefined();
    expect(stepStatus(out, "quarantine")).toBe("skipped");
    expect(out.steps.find((s) => s.name === "quarantine")?.detail).toBe(`${app.digest} not quarantined: ${app.name} was serving it when this deploy began`);
    const record = await targetRecord(app.name);
    expect(record.quarantine).toEqual([]);
    expect(record.lastKnownGood?.digest).toBe(app.digest);
  });
});
