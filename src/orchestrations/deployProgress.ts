/**
 * The deploy's status as it runs: phase, step timeline and the ids people look for. Every change is
 * published as the orchestration's custom status; times come from `currentUtcDateTime`, so replays
 * rebuild exactly the same status.
 */
import type { OrchestrationContext } from "durable-functions";
import type { ActivityFailure } from "../activities/contracts.js";
import { createTimeline, finishStep, skipPendingSteps, startStep, type DeployResult, type DeployStatus, type Phase, type TimelineStep } from "../domain/timeline.js";
import type { BuildReport } from "../domain/buildReport.js";
import type { DeployOutcomeKind } from "../domain/deployOutcomeKind.js";

/** The orchestration's output: the result plus what an operator needs to act on a failure. */
export interface DeployOutput extends DeployResult {
  deploymentId: string;
  /** The failed Azure call, with its ARM code and correlation id. */
  error?: ActivityFailure;
  /** The end of the build log when the build failed. */
  logTail?: string;
  /** The deploy that replaced this one. */
  supersededBy?: string;
  /** The digest quarantined because its revision failed verification. */
  quarantinedDigest?: string;
}

/** Extra fields of the status beyond phase and steps. */
export type StatusFields = Partial<Pick<DeployStatus, "runId" | "digest" | "newRevision" | "previousRevision">> & { image?: string };

/**
 * The timeline as people read it: the steps that ran, in the order they began (a quarantine that
 * began before the rollback is listed before it), then those still to come, then the skipped ones.
 */
export function inRunOrder(steps: readonly TimelineStep[], began: readonly string[]): TimelineStep[] {
  const ran = began.flatMap((name) => steps.filter((step) => step.name === name));
  const rest = steps.filter((step) => !began.includes(step.name));
  return [...ran, ...rest.filter((step) => step.status !== "skipped"), ...rest.filter((step) => step.status === "skipped")];
}

/** Tracks and publishes one deploy's status, and logs each phase change. */
export class DeployProgress {
  private status: DeployStatus;
  private image: string | undefined;
  /** Names of the steps that began (or ended without a start, other than skipped), in that order. */
  private readonly began: string[] = [];
  /** The step started or finished last: the one a phase line names. */
  private lastStep: string | undefined;
  private loggedPhase: Phase | undefined;
  /** Set by {@link result}: the phase is final. */
  private ended = false;

  constructor(
    private readonly context: OrchestrationContext,
    private readonly deploymentId: string,
    steps: readonly string[],
    /** The target's name (or app) for log lines. */
    private readonly target = "unknown",
  ) {
    this.status = { phase: "Pending", steps: createTimeline(steps) };
    this.publish();
  }

  /** Moves to a new phase. */
  phase(phase: Phase): void {
    this.status = { ...this.status, phase };
    this.publish();
  }

  /** Marks a step running. */
  start(step: string, detail?: string): void {
    this.begin(step);
    this.status = { ...this.status, steps: startStep(this.status.steps, step, this.now(), detail) };
    this.lastStep = step;
    this.publish();
  }

  /** Marks a step finished. */
  finish(step: string, status: "succeeded" | "failed" | "skipped" | "canceled", detail?: string): void {
    if (status !== "skipped") this.begin(step);
    this.status = { ...this.status, steps: finishStep(this.status.steps, step, status, this.now(), detail) };
    if (status !== "skipped") this.lastStep = step;
    this.publish();
  }

  /** Records ids as they become known. */
  set(fields: StatusFields): void {
    const { image, ...rest } = fields;
    if (image !== undefined) this.image = image;
    this.status = { ...this.status, ...definedOnly(rest) };
    this.publish();
  }

  /** Adds to the status's `build` report (the lint's findings first, the layer report after the build). */
  mergeBuild(report: BuildReport): void {
    this.status = { ...this.status, build: { ...this.status.build, ...report } };
    this.publish();
  }

  /** Ends the deploy: skips steps that never ran, publishes the terminal phase, returns the output. */
  result(outcome: DeployOutcomeKind, reason: string, extra: Partial<Pick<DeployOutput, "error" | "logTail" | "supersededBy" | "quarantinedDigest">> = {}): DeployOutput {
    this.ended = true;
    this.status = { ...this.status, phase: outcome, steps: skipPendingSteps(this.status.steps, this.now()) };
    this.publish();
    const { phase: _phase, steps, ...ids } = this.status;
    return {
      deploymentId: this.deploymentId,
      outcome,
      reason,
      steps: inRunOrder(steps, this.began),
      ...definedOnly(ids),
      ...(this.image !== undefined ? { image: this.image } : {}),
      ...definedOnly(extra),
    };
  }

  /** The status as published now (steps in run order), e.g. for the `started` notification. */
  current(): DeployStatus {
    return { ...this.status, steps: inRunOrder(this.status.steps, this.began) };
  }

  private now(): string {
    return this.context.df.currentUtcDateTime.toISOString();
  }

  private begin(step: string): void {
    if (!this.began.includes(step)) this.began.push(step);
  }

  private publish(): void {
    this.context.df.setCustomStatus({ ...this.status, steps: inRunOrder(this.status.steps, this.began) });
    this.logPhaseChange();
  }

  /**
   * One line per phase, once the step it applies to is known: a running phase is logged when its
   * step runs (phases are set just before their step starts), a final one at once with the step that
   * ended the deploy. Replays rebuild the same state but log nothing, so each line appears once.
   */
  private logPhaseChange(): void {
    const { phase, steps } = this.status;
    if (phase === this.loggedPhase) return;
    const running = steps.some((step) => step.status === "running");
    if (!running && !this.ended) return;
    this.loggedPhase = phase;
    if (this.context.df.isReplaying) return;
    this.context.log(`Deploy ${this.deploymentId} (target ${this.target}): phase ${phase}, step ${this.lastStep ?? "none"}`);
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
