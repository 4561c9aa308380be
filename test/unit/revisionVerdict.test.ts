import { describe, expect, it } from "vitest";
import { judgeRevision, type VerificationSnapshot } from "../../src/policies/revisionVerdict.js";

const CREATED = "2026-01-31T12:00:00Z";
const at = (seconds: number): string => new Date(Date.parse(CREATED) + seconds * 1000).toISOString();

function snapshot(overrides: Partial<VerificationSnapshot> = {}, revision: Partial<VerificationSnapshot["revision"]> = {}): VerificationSnapshot {
  return {
    revision: {
      name: "album-api--dep-abc",
      provisioningState: "Provisioned",
      runningState: "Running",
      healthState: "Healthy",
      replicas: 2,
      active: true,
      trafficWeight: 100,
      createdTime: CREATED,
      ...revision,
    },
    app: { latestReadyRevisionName: "album-api--dep-abc", latestRevisionName: "album-api--dep-abc", activeRevisionsMode: "Single" },
    expectedTraffic: 100,
    minReplicas: 1,
    now: at(120),
    warmupGraceSeconds: 60,
    verifyDeadline: at(600),
    ...overrides,
  };
}

describe("judgeRevision: passed", () => {
  it("passes when every condition holds", () => {
    expect(judgeRevision(snapshot())).toEqual({ verdict: "passed", reasons: [], conditions: [] });
  });

  it("passes with a 2xx smoke answer and with exactly minReplicas", () => {
    expect(judgeRevision(snapshot({ smoke: { status: 204 }, minReplicas: 2 })).verdict).toBe("passed");
  });

  it("passes even at the deadline when everything holds", () => {
    expect(judgeRevision(snapshot({ now: at(600) })).verdict).toBe("passed");
  });

  it("expects the given weight in Multiple mode and skips traffic without ingress", () => {
    const multiple = { latestReadyRevisionName: "album-api--dep-abc", activeRevisionsMode: "Multiple" };
    expect(judgeRevision(snapshot({ app: multiple, expectedTraffic: 20 }, { trafficWeight: 20 })).verdict).toBe("passed");
    expect(judgeRevision(snapshot({ app: multiple, expectedTraffic: 20 }, { trafficWeight: 100 })).verdict).toBe("pending");
    expect(judgeRevision(snapshot({ expectedTraffic: undefined }, { trafficWeight: undefined })).verdict).toBe("passed");
  });

  it("accepts zero replicas when the app may scale to zero", () => {
    expect(judgeRevision(snapshot({ minReplicas: 0 }, { replicas: 0 })).verdict).toBe("passed");
  });
});

describe("judgeRevision: pending", () => {
  it.each([
    [{ provisioningState: "Provisioning" }, "provisioned", /provisioning state is Provisioning/],
    [{ runningState: "Processing" }, "running", /running state is Processing/],
    [{ replicas: 0 }, "replicas", /0 replica\(s\) running, need at least 1/],
    [{ active: false }, "active", /not active/],
    [{ trafficWeight: 0 }, "traffic", /traffic weight is 0%, expected 100%/],
  ])("waits while %j", (revision, code, reason) => {
    const result = judgeRevision(snapshot({}, revision));
    expect(result.verdict).toBe("pending");
    expect(result.conditions).toEqual([code]);
    expect(result.reasons.join("\n")).toMatch(reason);
  });

  it("waits until the app reports this revision as latest ready", () => {
    const result = judgeRevision(snapshot({ app: { latestReadyRevisionName: "album-api--old", activeRevisionsMode: "Single" } }));
    expect(result).toMatchObject({ verdict: "pending", conditions: ["latest-ready"] });
  });

  it("requires 100% traffic in Single mode whatever expectedTraffic says", () => {
    expect(judgeRevision(snapshot({ expectedTraffic: 50 }, { trafficWeight: 50 })).conditions).toEqual(["traffic"]);
  });

  it("waits for the smoke request", () => {
    expect(judgeRevision(snapshot({ smoke: { status: undefined, error: "ECONNREFUSED" } })).reasons).toEqual(["smoke request has no answer yet (ECONNREFUSED)"]);
    expect(judgeRevision(snapshot({ smoke: { status: 503 } })).reasons).toEqual(["smoke request answered 503, not 2xx"]);
    expect(judgeRevision(snapshot({ smoke: { status: 301 } })).verdict).toBe("pending");
  });

  it("treats Unhealthy and Degraded within the warm-up grace as pending", () => {
    const unhealthy = judgeRevision(snapshot({ now: at(59) }, { healthState: "Unhealthy" }));
    expect(unhealthy).toMatchObject({ verdict: "pending", conditions: ["healthy"] });
    expect(judgeRevision(snapshot({ now: at(30) }, { runningState: "Degraded" })).verdict).toBe("pending");
  });

  it("treats a revision without a creation time as still warming up", () => {
    expect(judgeRevision(snapshot({ now: at(500) }, { healthState: "Unhealthy", createdTime: undefined })).verdict).toBe("pending");
  });

  it("lists every unmet condition", () => {
    const app = { latestReadyRevisionName: "album-api--old", activeRevisionsMode: "Single" };
    const result = judgeRevision(snapshot({ app }, { provisioningState: "Provisioning", runningState: "Processing", healthState: "None", replicas: 0, trafficWeight: undefined }));
    expect(result.conditions).toEqual(["provisioned", "running", "healthy", "replicas", "latest-ready", "traffic"]);
    expect(result.reasons).toHaveLength(6);
  });

  it("treats an absent traffic weight as 0, in the check and in the reason", () => {
    const result = judgeRevision(snapshot({}, { trafficWeight: undefined }));
    expect(result).toEqual({ verdict: "pending", reasons: ["traffic weight is 0%, expected 100%"], conditions: ["traffic"] });
    const multiple = { latestReadyRevisionName: "album-api--dep-abc", activeRevisionsMode: "Multiple" };
    expect(judgeRevision(snapshot({ app: multiple, expectedTraffic: 0 }, { trafficWeight: undefined })).verdict).toBe("passed");
  });
});

describe("judgeRevision: failed", () => {
  it("fails at once when provisioning failed, quoting the platform error", () => {
    const result = judgeRevision(snapshot({ now: at(5) }, { provisioningState: "Failed", provisioningError: "ImagePullBackOff: manifest unknown" }));
    expect(result.verdict).toBe("failed");
    expect(result.reasons).toEqual(["revision album-api--dep-abc failed to provision: ImagePullBackOff: manifest unknown"]);
    expect(result.conditions).toEqual(["not-failed"]);
  });

  it("fails at once when the running state is Failed", () => {
    expect(judgeRevision(snapshot({ now: at(5) }, { runningState: "Failed" })).verdict).toBe("failed");
  });

  it("fails when the revision is going away or a newer one replaced it", () => {
    expect(judgeRevision(snapshot({}, { provisioningState: "Deprovisioning" })).reasons).toEqual(["revision album-api--dep-abc is deprovisioning"]);
    const superseded = judgeRevision(snapshot({ app: { latestRevisionName: "album-api--dep-new", latestReadyRevisionName: "album-api--dep-abc", activeRevisionsMode: "Single" } }));
    expect(superseded).toEqual({ verdict: "failed", reasons: ["a newer revision album-api--dep-new replaced album-api--dep-abc"], conditions: ["not-superseded"] });
  });

  it("fails Unhealthy or Degraded once the warm-up grace is over", () => {
    const unhealthy = judgeRevision(snapshot({ now: at(60) }, { healthState: "Unhealthy" }));
    expect(unhealthy.verdict).toBe("failed");
    expect(unhealthy.reasons[0]).toMatch(/still Unhealthy after the 60s warm-up grace/);
    expect(judgeRevision(snapshot({ now: at(61) }, { runningState: "Degraded" })).conditions).toEqual(["running"]);
  });

  it("fails past the deadline, listing the unmet conditions", () => {
    const result = judgeRevision(snapshot({ now: at(600), smoke: { status: 500 } }, { replicas: 0 }));
    expect(result.verdict).toBe("failed");
    expect(result.conditions).toEqual(["deadline", "replicas", "smoke"]);
    expect(result.reasons).toEqual([`verification deadline ${at(600)} passed`, "0 replica(s) running, need at least 1", "smoke request answered 500, not 2xx"]);
  });

  it("rejects unparsable timestamps", () => {
    expect(() => judgeRevision(snapshot({ now: "soon" }))).toThrow(/now is not an ISO timestamp/);
    expect(() => judgeRevision(snapshot({ verifyDeadline: "" }))).toThrow(/verifyDeadline/);
    expect(() => judgeRevision(snapshot({}, { createdTime: "x" }))).toThrow(/createdTime/);
  });
});

describe("judgeRevision: restart grace and rollback targets", () => {
  it("counts the warm-up grace from a restart when warmupFrom is given", () => {
    const unhealthy = { healthState: "Unhealthy" };
    // 10 minutes after creation the grace is long over...
    expect(judgeRevision(snapshot({ now: at(600), verifyDeadline: at(900) }, unhealthy)).verdict).toBe("failed");
    // ...but 30 s after a restart it is pending again.
    expect(judgeRevision(snapshot({ now: at(600), verifyDeadline: at(900), warmupFrom: at(570) }, unhealthy)).verdict).toBe("pending");
  });

  it("does not require an older rollback target to be the app's latest revision", () => {
    const app = { latestReadyRevisionName: "album-api--new", latestRevisionName: "album-api--new", activeRevisionsMode: "Multiple" };
    expect(judgeRevision(snapshot({ app, expectedTraffic: 100 })).verdict).toBe("failed");
    expect(judgeRevision(snapshot({ app, expectedTraffic: 100, mustBeLatest: false })).verdict).toBe("passed");
    expect(judgeRevision(snapshot({ app, expectedTraffic: 100, mustBeLatest: false }, { trafficWeight: 0 })).verdict).toBe("pending");
  });
});
