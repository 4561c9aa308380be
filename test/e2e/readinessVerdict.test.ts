/**
 * The README's readiness verdict table, row by row: each row is judged by `judgeRevision` (unit) and
 * played by the sandbox in an end-to-end deploy on the local runtime, which must end as the row says.
 * Keep the rows in the order and with the names of the README table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revisionName, revisionSuffix } from "../../src/policies/revisionSuffix.js";
import { judgeRevision, type RevisionState, type Verdict, type VerificationSnapshot } from "../../src/policies/revisionVerdict.js";
import type { RevisionBehaviour } from "../../src/sandbox/providers/containerApps/index.js";
import { RESOURCE_GROUP, SUBSCRIPTION, outputOf, startDeployWorld, stepStatus, type DeployWorld } from "./world.js";

const NAME = "web--dep-abc";
const CREATED = "2026-01-31T12:00:00Z";
const at = (seconds: number): string => new Date(Date.parse(CREATED) + seconds * 1000).toISOString();

/** One row of the table. */
interface Row {
  row: string;
  /** The snapshot the unit check judges (a ready, 100%-traffic revision unless overridden). */
  revision: Partial<RevisionState>;
  snapshot?: Partial<VerificationSnapshot>;
  verdict: Verdict;
  /** The condition codes of a pending or failed verdict. */
  conditions?: string[];
  /** How the sandbox plays the row in a deploy, and how that deploy ends. */
  e2e: {
    behaviour?: RevisionBehaviour;
    minReplicas?: number;
    smokePath?: string;
    /** The new revision answers the smoke path with this status. */
    smokeStatus?: number;
    /** Multiple mode with all traffic pinned to the first revision by name, as our own rollback leaves it. */
    pinnedMultiple?: boolean;
    outcome: "Succeeded" | "RolledBack";
    reason?: RegExp;
  };
}

const HOUR = 3_600_000;

const ROWS: Row[] = [
  {
    row: "1 provisioning",
    revision: { provisioningState: "Provisioning", runningState: "Processing", healthState: "None", replicas: 0, trafficWeight: undefined },
    snapshot: { app: { latestReadyRevisionName: "web--old", latestRevisionName: NAME, activeRevisionsMode: "Single" } },
    verdict: "pending",
    conditions: ["provisioned", "running", "healthy", "replicas", "latest-ready", "traffic"],
    e2e: { behaviour: { kind: "slow", durations: { provisioning: 120_000 } }, outcome: "Succeeded" },
  },
  {
    row: "2 provisioning failed",
    revision: { provisioningState: "Failed", runningState: "Failed", healthState: "None", replicas: 0, provisioningError: "image pull failed" },
    verdict: "failed",
    conditions: ["not-failed"],
    e2e: { behaviour: { kind: "provisioningFails", message: "image pull failed" }, outcome: "RolledBack", reason: /failed to provision: image pull failed/ },
  },
  {
    row: "3 replicas starting (Processing)",
    revision: { runningState: "Processing", healthState: "None", replicas: 0 },
    verdict: "pending",
    conditions: ["running", "replicas"],
    e2e: { behaviour: { kind: "slow", durations: { activating: 90_000 } }, outcome: "Succeeded" },
  },
  {
    row: "4 replicas starting (Activating), for ever",
    revision: { runningState: "Activating", healthState: "None", replicas: 0 },
    snapshot: { now: at(600) },
    verdict: "failed",
    conditions: ["deadline", "running", "replicas"],
    e2e: { behaviour: { kind: "slow", startingState: "Activating", durations: { activating: HOUR } }, outcome: "RolledBack", reason: /running state is Activating/ },
  },
  {
    row: "5 ready: Running, Healthy, one replica",
    revision: { replicas: 1 },
    snapshot: { minReplicas: 3 },
    verdict: "passed",
    e2e: { outcome: "Succeeded" },
  },
  {
    row: "6 no probes (None), smoke 2xx",
    revision: { healthState: "None" },
    snapshot: { smoke: { status: 200 } },
    verdict: "passed",
    e2e: { behaviour: { kind: "healthy", healthProbes: false }, smokePath: "/healthz", outcome: "Succeeded" },
  },
  {
    row: "7 no probes (None), no smoke path, Azure names it latest ready",
    revision: { healthState: "None" },
    verdict: "passed",
    e2e: { behaviour: { kind: "healthy", healthProbes: false }, outcome: "Succeeded" },
  },
  {
    row: "8 no probes (None), smoke not 2xx",
    revision: { healthState: "None" },
    snapshot: { smoke: { status: 500 }, now: at(600) },
    verdict: "failed",
    conditions: ["deadline", "healthy", "smoke"],
    e2e: { behaviour: { kind: "healthy", healthProbes: false }, smokePath: "/healthz", smokeStatus: 500, outcome: "RolledBack", reason: /smoke request answered 500/ },
  },
  {
    row: "9 scaled to zero (minReplicas 0), the smoke request wakes it",
    revision: { healthState: "None", replicas: 0 },
    snapshot: { minReplicas: 0, smoke: { status: 200 } },
    verdict: "passed",
    e2e: { behaviour: { kind: "healthy", scaleToZero: true }, minReplicas: 0, smokePath: "/healthz", outcome: "Succeeded" },
  },
  {
    row: "10 scaled to zero (minReplicas 0), no smoke path",
    revision: { healthState: "None", replicas: 0 },
    snapshot: { minReplicas: 0, app: { latestReadyRevisionName: "web--old", latestRevisionName: NAME, activeRevisionsMode: "Single" }, now: at(600) },
    verdict: "failed",
    conditions: ["deadline", "healthy", "replicas", "latest-ready"],
    e2e: { behaviour: { kind: "healthy", scaleToZero: true }, minReplicas: 0, outcome: "RolledBack", reason: /scales to zero/ },
  },
  {
    row: "11 Unhealthy / Degraded within the warm-up grace",
    revision: { runningState: "Degraded", healthState: "Unhealthy" },
    snapshot: { now: at(30) },
    verdict: "pending",
    conditions: ["running", "healthy"],
    e2e: { behaviour: { kind: "unhealthyUntilRestarted" }, outcome: "RolledBack", reason: /still (Unhealthy|Degraded) after the 60s warm-up grace/ },
  },
  {
    row: "12 Unhealthy / Degraded after the warm-up grace",
    revision: { runningState: "Degraded", healthState: "Unhealthy" },
    snapshot: { now: at(61) },
    verdict: "failed",
    conditions: ["healthy", "running"],
    e2e: { behaviour: { kind: "neverHealthy" }, outcome: "RolledBack", reason: /still (Unhealthy|Degraded) after the 60s warm-up grace/ },
  },
  {
    row: "13 activation failed",
    revision: { runningState: "ActivationFailed", healthState: "None", replicas: 0 },
    verdict: "failed",
    conditions: ["not-failed"],
    e2e: { behaviour: { kind: "activationFails" }, outcome: "RolledBack", reason: /running state ActivationFailed/ },
  },
  {
    row: "14 traffic weight absent (0), 100% expected",
    revision: { trafficWeight: undefined },
    verdict: "pending",
    conditions: ["traffic"],
    e2e: { pinnedMultiple: true, outcome: "Succeeded" },
  },
];

function snapshotFor(row: Row): VerificationSnapshot {
  return {
    revision: {
      name: NAME,
      provisioningState: "Provisioned",
      runningState: "Running",
      healthState: "Healthy",
      replicas: 1,
      active: true,
      trafficWeight: 100,
      createdTime: CREATED,
      ...row.revision,
    },
    app: { latestReadyRevisionName: NAME, latestRevisionName: NAME, activeRevisionsMode: "Single" },
    expectedTraffic: 100,
    minReplicas: 1,
    now: at(120),
    warmupGraceSeconds: 60,
    verifyDeadline: at(600),
    ...row.snapshot,
  };
}

describe("readiness verdict table: judgeRevision", () => {
  it.each(ROWS.map((row) => [row.row, row] as const))("row %s", (_name, row) => {
    const result = judgeRevision(snapshotFor(row));
    expect(result.verdict).toBe(row.verdict);
    expect(result.conditions).toEqual(row.conditions ?? []);
  });
});

describe("readiness verdict table: an end-to-end deploy per row", () => {
  let world: DeployWorld;
  beforeAll(async () => {
    world = await startDeployWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it.each(ROWS.map((row, index) => [row.row, row, index] as const))("row %s", async (_name, row, index) => {
    const { e2e } = row;
    const name = `web-row${index + 1}`;
    const app = await world.seedApp(name, {
      template: { scale: { minReplicas: e2e.minReplicas ?? 1 } },
      ...(e2e.pinnedMultiple
        ? { activeRevisionsMode: "Multiple" as const, revisionSuffix: "v1", ingress: { external: true, targetPort: 80, traffic: [{ revisionName: `${name}--v1`, weight: 100 }] } }
        : {}),
    });
    await world.pushImage("v2");
    const ref = { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: app.name };
    if (e2e.behaviour) world.sandbox.apps.setNextRevisionBehaviour(ref, e2e.behaviour);
    const request = world.request(app.name, {
      policy: { verifyTimeoutSeconds: 300, warmupGraceSeconds: 60, onFailure: "rollback", ...(e2e.smokePath ? { smokePath: e2e.smokePath } : {}) },
    });
    if (e2e.smokeStatus !== undefined && e2e.smokePath) {
      const newRevision = revisionName(app.name, revisionSuffix(request.deploymentId, app.name, "deploy"));
      world.sandbox.apps.setIngressResponse({ path: e2e.smokePath, status: e2e.smokeStatus, revisionName: newRevision });
    }
    const out = outputOf(await world.runToEnd(await world.start(request)));

    expect(out.outcome, JSON.stringify(out.steps)).toBe(e2e.outcome);
    if (e2e.reason) expect(out.reason).toMatch(e2e.reason);
    const serving = world.app(app.name).latestReadyRevisionName;
    if (e2e.outcome === "Succeeded") {
      expect(stepStatus(out, "verify")).toBe("succeeded");
      expect(serving).toBe(out.newRevision);
      expect(world.revisions(app.name).find((r) => r.name === out.newRevision)?.trafficWeight).toBe(100);
    } else {
      expect(stepStatus(out, "verify")).toBe("failed");
      expect(stepStatus(out, "verify-rollback")).toBe("succeeded");
      const revision = world.revisions(app.name).find((r) => r.name === serving)!;
      expect(revision.template.containers[0]!.image).toBe(app.image);
    }
  });
});
