import { describe, expect, it } from "vitest";
import {
  DEPLOY_STEPS,
  MAX_DETAIL_LENGTH,
  PHASES,
  TimelineTransitionError,
  createTimeline,
  finishStep,
  skipPendingSteps,
  startStep,
  type DeployResult,
  type DeployStatus,
  type TimelineStep,
} from "../../src/domain/timeline.js";
import { DEPLOY_OUTCOMES } from "../../src/domain/deployOutcomeKind.js";

const T0 = "2026-01-31T12:00:00.000Z";
const T1 = "2026-01-31T12:01:00.000Z";
const stepNamed = (timeline: readonly TimelineStep[], name: string): TimelineStep | undefined => timeline.find((step) => step.name === name);
const T2 = "2026-01-31T12:02:00.000Z";

describe("timeline helpers", () => {
  it("creates pending steps and rejects duplicate names", () => {
    expect(createTimeline(["build", "deploy"])).toEqual([
      { name: "build", status: "pending" },
      { name: "deploy", status: "pending" },
    ]);
    expect(() => createTimeline(["a", "a"])).toThrow(TimelineTransitionError);
  });

  it("starts and finishes a step without mutating the input", () => {
    const initial = createTimeline(DEPLOY_STEPS);
    const frozen = JSON.stringify(initial);
    const started = startStep(initial, "build", T0, "run cb1");
    const done = finishStep(started, "build", "succeeded", T1);
    expect(JSON.stringify(initial)).toBe(frozen);
    expect(stepNamed(started, "build")).toEqual({ name: "build", status: "running", startedAt: T0, detail: "run cb1" });
    expect(stepNamed(done, "build")).toEqual({ name: "build", status: "succeeded", startedAt: T0, finishedAt: T1, detail: "run cb1" });
    expect(done.map((s) => s.name)).toEqual([...DEPLOY_STEPS]);
    expect(stepNamed(done, "deploy")).toEqual({ name: "deploy", status: "pending" });
  });

  it("replaces the detail when finishing with a new one", () => {
    const t = finishStep(startStep(createTimeline(["verify"]), "verify", T0, "polling"), "verify", "failed", T1, "deadline passed");
    expect(stepNamed(t, "verify")?.detail).toBe("deadline passed");
  });

  it("appends unknown steps when started or finished", () => {
    expect(startStep([], "extra", T0)).toEqual([{ name: "extra", status: "running", startedAt: T0 }]);
    expect(finishStep([], "extra", "skipped", T0, "n/a")).toEqual([{ name: "extra", status: "skipped", finishedAt: T0, detail: "n/a" }]);
  });

  it("refuses transitions that would rewrite history", () => {
    const running = startStep(createTimeline(["build"]), "build", T0);
    expect(() => startStep(running, "build", T1)).toThrow(/only a pending step can start/);
    const done = finishStep(running, "build", "failed", T1);
    expect(() => finishStep(done, "build", "succeeded", T2)).toThrow(/already failed/);
    expect(() => startStep(done, "build", T2)).toThrow(TimelineTransitionError);
  });

  it("rejects timestamps that are not ISO", () => {
    expect(() => startStep(createTimeline(["a"]), "a", "now")).toThrow(/ISO/);
    expect(() => finishStep(createTimeline(["a"]), "a", "succeeded", "")).toThrow(/ISO/);
    expect(() => skipPendingSteps(createTimeline(["a"]), "later")).toThrow(/ISO/);
  });

  it("skips one step or every pending step", () => {
    let t = createTimeline(["build", "deploy", "verify"]);
    t = finishStep(t, "build", "skipped", T0, "image given by digest");
    t = startStep(t, "deploy", T0);
    t = skipPendingSteps(t, T1, "deploy canceled");
    expect(t).toEqual([
      { name: "build", status: "skipped", finishedAt: T0, detail: "image given by digest" },
      { name: "deploy", status: "running", startedAt: T0 },
      { name: "verify", status: "skipped", finishedAt: T1, detail: "deploy canceled" },
    ]);
  });

  it("clips long details so custom status stays small", () => {
    const t = startStep(createTimeline(["a"]), "a", T0, "x".repeat(5000));
    expect(t[0]?.detail).toHaveLength(MAX_DETAIL_LENGTH);
    expect(t[0]?.detail?.endsWith("…")).toBe(true);
  });
});

describe("phases", () => {
  it("lists the phases and marks the six terminal ones", () => {
    expect(PHASES).toHaveLength(13);
    expect(PHASES.slice(-6)).toEqual(["Succeeded", "Failed", "RolledBack", "Canceled", "Superseded", "Quarantined"]);
  });

  it("has a terminal phase of the same name for every outcome", () => {
    for (const outcome of DEPLOY_OUTCOMES) expect(PHASES.slice(-6)).toContain(outcome);
  });

  it("status and result shapes are plain JSON", () => {
    const steps = finishStep(startStep(createTimeline(["deploy"]), "deploy", T0), "deploy", "succeeded", T1);
    const status: DeployStatus = { phase: "Verifying", steps, digest: `sha256:${"a".repeat(64)}`, newRevision: "app--dep-x" };
    const result: DeployResult = { outcome: "Succeeded", reason: "ok", steps, newRevision: "app--dep-x", previousRevision: "app--dep-w" };
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});
