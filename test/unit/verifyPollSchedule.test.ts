import { describe, expect, it } from "vitest";
import { VERIFY_POLL_PROFILE, VERIFY_STAGE_SPACING, type VerifyPollProfile } from "../../src/domain/pollProfile.js";
import { pollDelaySeconds } from "../../src/policies/pollSchedule.js";
import type { RevisionState } from "../../src/policies/revisionVerdict.js";
import { appReadDue, revisionStageOf, revisionStateKey, verifyPollDelaySeconds, type RevisionStage } from "../../src/policies/verifyPollSchedule.js";

const revision = (fields: Partial<RevisionState>): RevisionState => ({ name: "web--v2", ...fields });

describe("revisionStageOf", () => {
  it("reads the stage from the revision's states", () => {
    expect(revisionStageOf(undefined)).toBe("absent");
    expect(revisionStageOf(revision({ provisioningState: "Provisioning", runningState: "Processing", replicas: 0 }))).toBe("provisioning");
    expect(revisionStageOf(revision({ provisioningState: "Provisioned", runningState: "Processing", healthState: "None", replicas: 0 }))).toBe("starting");
    expect(revisionStageOf(revision({ provisioningState: "Provisioned", runningState: "Activating", healthState: "None", replicas: 0 }))).toBe("starting");
    expect(revisionStageOf(revision({ provisioningState: "Provisioned", runningState: "Running", healthState: "None", replicas: 1 }))).toBe("settling");
    // Scaled to zero: running without replicas, waiting for a request to wake it.
    expect(revisionStageOf(revision({ provisioningState: "Provisioned", runningState: "Running", healthState: "None", replicas: 0 }))).toBe("settling");
    expect(revisionStageOf(revision({ provisioningState: "Provisioned", runningState: "Running", healthState: "Healthy", replicas: 1 }))).toBe("settling");
    expect(revisionStageOf(revision({ provisioningState: "Provisioned", runningState: "Degraded", healthState: "Unhealthy", replicas: 1 }))).toBe("unhealthy");
    expect(revisionStageOf(revision({ provisioningState: "Provisioned", runningState: "Running", healthState: "Unhealthy", replicas: 1 }))).toBe("unhealthy");
  });
});

describe("verifyPollDelaySeconds", () => {
  const at = (stage: RevisionStage, stageSeconds = 0, untilChangeSeconds?: number): number =>
    verifyPollDelaySeconds(VERIFY_POLL_PROFILE, { stage, stageSeconds, attempt: 3, ...(untilChangeSeconds !== undefined ? { untilChangeSeconds } : {}) });

  it("is sparse while the revision provisions, dense once it could be ready", () => {
    const { denseSeconds, activationFloorSeconds, settlingFloorSeconds } = VERIFY_STAGE_SPACING;
    expect(at("provisioning")).toBe(denseSeconds + activationFloorSeconds + settlingFloorSeconds);
    expect(at("provisioning")).toBe(12);
    expect(at("starting")).toBe(denseSeconds + settlingFloorSeconds);
    expect(at("settling")).toBe(4);
    expect(at("unhealthy")).toBe(4);
    expect(at("absent")).toBe(4);
  });

  it("backs off by the profile's factor after denseForSeconds in one stage, up to maxSeconds", () => {
    const window = VERIFY_STAGE_SPACING.denseForSeconds;
    expect(at("unhealthy", window - 1)).toBe(4);
    expect([0, 4, 8, 16, 32, 1_000].map((past) => at("unhealthy", window + past))).toEqual([4, 4, 8, 16, 30, 30]);
    expect(at("provisioning", window + 20)).toBe(20);
    expect(at("provisioning", window + 5)).toBe(12);
  });

  it("waits for the learned earliest ready moment plus the dense spacing, when that is further than the stage's spacing", () => {
    const learned = (stage: RevisionStage, earliestReadySeconds: number): number => verifyPollDelaySeconds(VERIFY_POLL_PROFILE, { stage, stageSeconds: 0, attempt: 0, earliestReadySeconds });
    expect(learned("provisioning", 24)).toBe(28);
    expect(learned("provisioning", 3)).toBe(12);
    expect(learned("settling", 10)).toBe(14);
    expect(learned("settling", -30)).toBe(4);
    // An unhealthy revision is judged on time (its grace), and a missing one is being confirmed gone: no learned wait.
    expect(learned("unhealthy", 60)).toBe(4);
    expect(learned("absent", 60)).toBe(4);
  });

  it("never sleeps past the moment the verdict can change by time alone, nor below 1 s", () => {
    expect(at("provisioning", 0, 7)).toBe(7);
    expect(at("settling", 0, 2.5)).toBe(3);
    expect(at("settling", 0, 0)).toBe(1);
  });

  it("keeps a profile without stages (older inputs, the fixed 5 s variant) on its plain backoff", () => {
    const plain = { initialSeconds: 5, factor: 2, maxSeconds: 30 };
    expect([0, 1, 2, 3].map((attempt) => verifyPollDelaySeconds(plain, { stage: "provisioning", stageSeconds: 0, attempt }))).toEqual([5, 10, 20, 30]);
    expect(verifyPollDelaySeconds({ initialSeconds: 5, factor: 1, maxSeconds: 5 }, { stage: "settling", stageSeconds: 500, attempt: 9 })).toBe(5);
    expect(verifyPollDelaySeconds(plain, { stage: "settling", stageSeconds: 0, attempt: 3, untilChangeSeconds: 12 })).toBe(12);
  });

  it("rejects bad spacing", () => {
    const bad = (stages: Partial<NonNullable<VerifyPollProfile["stages"]>>): VerifyPollProfile => ({ ...VERIFY_POLL_PROFILE, stages: { ...VERIFY_STAGE_SPACING, ...stages } });
    expect(() => verifyPollDelaySeconds(bad({ denseSeconds: 0 }), { stage: "settling", stageSeconds: 0, attempt: 0 })).toThrow(/denseSeconds/);
    expect(() => verifyPollDelaySeconds(bad({ activationFloorSeconds: -1 }), { stage: "settling", stageSeconds: 0, attempt: 0 })).toThrow(/activationFloorSeconds/);
    expect(() => verifyPollDelaySeconds(VERIFY_POLL_PROFILE, { stage: "settling", stageSeconds: -1, attempt: 0 })).toThrow(/stageSeconds/);
    expect(() => verifyPollDelaySeconds({ ...VERIFY_POLL_PROFILE, factor: 0.5 }, { stage: "settling", stageSeconds: 0, attempt: 0 })).toThrow(/factor/);
  });
});

/**
 * A revision's stages on a timeline (seconds from its creation), as the sandbox plays them:
 * provisioning, then starting (replicas start), then settling (probes), then ready.
 */
function stageAt(t: number, d: { provisioning: number; activating: number; settling: number }): RevisionStage | "ready" {
  if (t < d.provisioning) return "provisioning";
  if (t < d.provisioning + d.activating) return "starting";
  if (t < d.provisioning + d.activating + d.settling) return "settling";
  return "ready";
}

/** Follows the schedule from a revision's creation (first read after the provisioning spacing) until it reads ready. */
function follow(profile: VerifyPollProfile, d: { provisioning: number; activating: number; settling: number }): { reads: number; lag: number } {
  const ready = d.provisioning + d.activating + d.settling;
  let stage: RevisionStage = "provisioning";
  let since = 0;
  let t = profile.stages ? verifyPollDelaySeconds(profile, { stage, stageSeconds: 0, attempt: 0 }) : 0;
  for (let reads = 1, attempt = 0; ; reads++, attempt++) {
    const seen = stageAt(t, d);
    if (seen === "ready") return { reads, lag: t - ready };
    if (seen !== stage) {
      stage = seen;
      since = t;
    }
    t += verifyPollDelaySeconds(profile, { stage, stageSeconds: t - since, attempt });
  }
}

describe("the stage-aware schedule over whole revision lifetimes", () => {
  // Every split of provisioning, activation (at least the floor) and settling in whole seconds up to a few minutes.
  const lifetimes: Array<{ provisioning: number; activating: number; settling: number }> = [];
  for (let provisioning = 1; provisioning <= 170; provisioning += 3)
    for (let activating = VERIFY_STAGE_SPACING.activationFloorSeconds; activating <= 40; activating += 4)
      for (let settling = 0; settling <= 120; settling += 5) lifetimes.push({ provisioning, activating, settling });

  it("sees every revision ready at most denseSeconds late while it stays within the dense window", () => {
    const worst = Math.max(...lifetimes.map((d) => follow(VERIFY_POLL_PROFILE, d).lag));
    expect(worst).toBeLessThanOrEqual(VERIFY_STAGE_SPACING.denseSeconds);
  });

  it("costs no more ARM reads than the old 5 s doubling schedule capped at 30 s, at a fraction of its lag", () => {
    const old = { initialSeconds: 5, factor: 2, maxSeconds: 30 };
    expect(pollDelaySeconds(old, 0)).toBe(5);
    for (const slow of [
      { provisioning: 45, activating: 10, settling: 20 },
      { provisioning: 180, activating: 10, settling: 5 },
    ]) {
      const before = follow(old, slow);
      const after = follow(VERIFY_POLL_PROFILE, slow);
      expect(after.lag).toBeLessThanOrEqual(VERIFY_STAGE_SPACING.denseSeconds);
      expect(before.lag).toBeGreaterThan(3 * after.lag);
      // Two ARM reads per poll before (revision and app); one per poll now, plus one app read to confirm.
      expect(after.reads + 1).toBeLessThanOrEqual(before.reads * 2);
    }
  });
});

describe("appReadDue", () => {
  const stages = { appRecheckSeconds: 15 };
  it("reads the app when needed and not already read at this revision state lately", () => {
    expect(appReadDue(stages, false, "a", undefined)).toBe(false);
    expect(appReadDue(stages, true, "a", undefined)).toBe(true);
    expect(appReadDue(stages, true, "a", { stateKey: "a", secondsAgo: 4 })).toBe(false);
    expect(appReadDue(stages, true, "a", { stateKey: "a", secondsAgo: 15 })).toBe(true);
    expect(appReadDue(stages, true, "b", { stateKey: "a", secondsAgo: 4 })).toBe(true);
  });

  it("keys a revision state by what an app read is paired with", () => {
    const running = revision({ provisioningState: "Provisioned", runningState: "Running", healthState: "None", replicas: 1, active: true, trafficWeight: 0 });
    expect(revisionStateKey(running, undefined)).toBe(revisionStateKey({ ...running, replicas: 3 }, undefined));
    expect(revisionStateKey(running, undefined)).not.toBe(revisionStateKey({ ...running, healthState: "Healthy" }, undefined));
    expect(revisionStateKey(running, undefined)).not.toBe(revisionStateKey({ ...running, trafficWeight: 100 }, undefined));
    expect(revisionStateKey(running, false)).not.toBe(revisionStateKey(running, true));
  });
});
