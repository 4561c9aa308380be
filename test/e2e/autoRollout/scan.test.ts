/**
 * The reconcile scan (issue 11 acceptance): a push no event reported is deployed by the next scan
 * (the `autoRolloutScan` timer, every 5 minutes by default, on the runtime's virtual clock); a scan
 * deploys nothing when everything is current. Also under a semver policy: a lower version pushed
 * later is a downgrade and is ignored, and a quarantined digest is skipped.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { targetKey } from "../../../src/entities/names.js";
import { autoDeploymentId } from "../../../src/policies/autoRolloutChoice.js";
import { RESOURCE_GROUP, SUBSCRIPTION } from "../world.js";
import { autoTarget, useAutoWorld, type AutoWorld } from "./autoRolloutWorld.js";

let aw: AutoWorld;
useAutoWorld((w) => (aw = w), { targets: [autoTarget("svc", "svc-app", "team/svc", { kind: "semver", pattern: ">=1.0.0 <2.0.0" })] }, { scanSchedule: "0 */5 * * * *" });

const FIVE_MINUTES = 5 * 60_000;
const digestOf = (input: unknown): string | undefined => (input as { image?: { digest?: string } }).image?.digest;

beforeAll(async () => {
  await aw.seedApp("svc-app", "team/svc", "1.0.0");
});

describe("reconcile scan", () => {
  it("a scan of a current target starts nothing and records nothing", async () => {
    await aw.advance(FIVE_MINUTES);
    await aw.advance(FIVE_MINUTES);
    expect(await aw.deploys("svc")).toEqual([]);
    expect(await aw.decisions("svc")).toEqual([]);
  });

  it("a push no event reported is deployed by the next scan, then the next scan finds everything current", async () => {
    const pushed = await aw.push("team/svc", "1.1.0");
    await aw.advance(FIVE_MINUTES);
    const deploys = await aw.deploys("svc");
    expect(deploys.map((d) => digestOf(d.input))).toEqual([pushed]);
    expect(deploys[0]!.instanceId).toBe(autoDeploymentId("svc", pushed));
    expect((deploys[0]!.input as { trigger: unknown }).trigger).toEqual({ kind: "scan", tag: "1.1.0" });
    expect(await aw.decisions("svc")).toEqual([expect.objectContaining({ kind: "foundByScan", via: "scan", tag: "1.1.0", digest: pushed })]);
    const [ended] = await aw.finishDeploys();
    expect((ended!.output as { outcome: string }).outcome).toBe("Succeeded");

    await aw.advance(FIVE_MINUTES);
    expect(await aw.deploys("svc")).toHaveLength(1);
    expect(await aw.decisions("svc")).toHaveLength(1);
  });

  it("a lower version pushed later is a downgrade: ignored", async () => {
    const lower = await aw.push("team/svc", "1.0.5");
    expect((await aw.webhook(aw.pushBody({ repository: "team/svc", tag: "1.0.5", digest: lower }))).status).toBe(202);
    await aw.advance(11_000);
    expect(await aw.deploys("svc")).toHaveLength(1);
    expect((await aw.decisions("svc")).at(-1)).toEqual(expect.objectContaining({ kind: "ignored", tag: "1.0.5", reason: "downgrade: 1.0.5 is lower than the running 1.1.0" }));
  });

  it("a quarantined digest is skipped, by a push and by the scan", async () => {
    const bad = await aw.push("team/svc", "1.2.0");
    await aw.world.runtime.engine.signalEntity(
      { name: "deployTarget", key: targetKey({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: "svc-app" }) },
      "quarantine",
      { digest: bad, deploymentId: "dep-earlier", reason: "never healthy", at: new Date(aw.world.clock.now()).toISOString() },
    );
    await aw.idle();
    expect((await aw.webhook(aw.pushBody({ repository: "team/svc", tag: "1.2.0", digest: bad }))).status).toBe(202);
    await aw.advance(FIVE_MINUTES);
    await aw.advance(FIVE_MINUTES);
    expect(await aw.deploys("svc")).toHaveLength(1);
    // Recorded once, not once per scan.
    const quarantined = (await aw.decisions("svc")).filter((d) => d.digest === bad);
    expect(quarantined.map((d) => [d.kind, d.via])).toEqual([
      ["ignored", "webhook"],
      ["ignored", "scan"],
    ]);
    expect(quarantined[0]!.reason).toContain("is quarantined");
  });
});
