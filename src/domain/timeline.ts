/**
 * The step timeline a deploy reports in its custom status and final output. Helpers are pure and
 * immutable: the orchestrator passes the timestamp (from `context.df.currentUtcDateTime`), never
 * reads a clock, and gets a new array back, so replays rebuild exactly the same status.
 */
import type { BuildReport } from "./buildReport.js";
import type { DeployOutcomeKind } from "./deployOutcomeKind.js";

/** Lifecycle of one step; `canceled`: a cancel request stopped it. */
export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "skipped" | "canceled";

/** One step of a deploy. */
export interface TimelineStep {
  name: string;
  status: StepStatus;
  /** ISO timestamp. */
  startedAt?: string;
  /** ISO timestamp. */
  finishedAt?: string;
  /** Short human detail (run id, revision name, failure reason); never secrets. */
  detail?: string;
}

/** A deploy's steps, in order. */
type Timeline = readonly TimelineStep[];

/** Every deploy's timeline lists these steps, in the order they can happen. */
export const DEPLOY_STEPS = [
  "queue",
  "inspect",
  "build",
  "resolve-digest",
  "deploy",
  "verify",
  "restart",
  "verify-after-restart",
  "rollback",
  "verify-rollback",
  "quarantine",
] as const;
/** Where a deploy is; the last six are terminal. */
export const PHASES = [
  "Pending",
  "Queued",
  "Building",
  "Deploying",
  "Verifying",
  "Restarting",
  "RollingBack",
  "Succeeded",
  "Failed",
  "RolledBack",
  "Canceled",
  "Superseded",
  "Quarantined",
] as const;
/** One of {@link PHASES}. */
export type Phase = (typeof PHASES)[number];

/** Longest detail kept: custom status must stay small (Durable caps it at 16 KB). */
export const MAX_DETAIL_LENGTH = 500;

/** The custom status an orchestration publishes while it runs. */
export interface DeployStatus {
  phase: Phase;
  steps: TimelineStep[];
  /** ACR run id of the build, once scheduled. */
  runId?: string;
  /** Digest being deployed, once known. */
  digest?: string;
  newRevision?: string;
  previousRevision?: string;
  /** What the build reused and made anew, once it has been compared. */
  build?: BuildReport;
}

/** The orchestration's final output. */
export interface DeployResult {
  outcome: DeployOutcomeKind;
  reason: string;
  steps: TimelineStep[];
  /** Full image reference deployed (by digest), when one was. */
  image?: string;
  runId?: string;
  digest?: string;
  newRevision?: string;
  previousRevision?: string;
  build?: BuildReport;
}

/** A step transition the timeline does not allow (a bug in the caller, not a deploy failure). */
export class TimelineTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TimelineTransitionError";
  }
}

const TERMINAL_STEP: readonly StepStatus[] = ["succeeded", "failed", "skipped", "canceled"];

function checkTimestamp(at: string): void {
  if (Number.isNaN(Date.parse(at))) throw new TimelineTransitionError(`not an ISO timestamp: ${JSON.stringify(at)}`);
}

function clip(detail: string | undefined): string | undefined {
  if (detail === undefined) return undefined;
  return detail.length > MAX_DETAIL_LENGTH ? `${detail.slice(0, MAX_DETAIL_LENGTH - 1)}…` : detail;
}

function withDetail(step: TimelineStep, detail: string | undefined): TimelineStep {
  const clipped = clip(detail);
  return clipped === undefined ? step : { ...step, detail: clipped };
}

/** A timeline with every named step pending. Names must be unique. */
export function createTimeline(names: readonly string[]): TimelineStep[] {
  if (new Set(names).size !== names.length) throw new TimelineTransitionError("step names must be unique");
  return names.map((name) => ({ name, status: "pending" }));
}

/** Marks `name` running at `at`; a step not in the timeline is appended. Only a pending step can start. */
export function startStep(timeline: Timeline, name: string, at: string, detail?: string): TimelineStep[] {
  checkTimestamp(at);
  const index = timeline.findIndex((step) => step.name === name);
  if (index === -1) return [...timeline, withDetail({ name, status: "running", startedAt: at }, detail)];
  const current = timeline[index]!;
  if (current.status !== "pending") throw new TimelineTransitionError(`step ${name} is ${current.status}; only a pending step can start`);
  const next = withDetail({ name, status: "running", startedAt: at }, detail ?? current.detail);
  return timeline.map((step, i) => (i === index ? next : step));
}

/**
 * Finishes `name` at `at` as succeeded, failed, skipped or canceled. A pending step may finish directly
 * (e.g. skipped); a finished step cannot finish again. A step not in the timeline is appended.
 */
export function finishStep(timeline: Timeline, name: string, status: "succeeded" | "failed" | "skipped" | "canceled", at: string, detail?: string): TimelineStep[] {
  checkTimestamp(at);
  const index = timeline.findIndex((step) => step.name === name);
  if (index === -1) return [...timeline, withDetail({ name, status, finishedAt: at }, detail)];
  const current = timeline[index]!;
  if (TERMINAL_STEP.includes(current.status)) throw new TimelineTransitionError(`step ${name} already ${current.status}`);
  const next = withDetail({ ...current, status, finishedAt: at }, detail ?? current.detail);
  return timeline.map((step, i) => (i === index ? next : step));
}

/** Skips every step still pending, e.g. when a deploy ends early. */
export function skipPendingSteps(timeline: Timeline, at: string, detail?: string): TimelineStep[] {
  checkTimestamp(at);
  return timeline.map((step) => (step.status === "pending" ? withDetail({ ...step, status: "skipped", finishedAt: at }, detail) : step));
}
