/**
 * Stage-aware poll spacing for a revision's verification. Each read of the revision says which stage
 * it is in, and each stage bounds how soon the revision can be ready: while it provisions, its
 * replicas must still start and (with probes) pass them; while its replicas start, probes must still
 * pass. The next read is scheduled no later than that earliest moment plus the dense spacing, so a
 * revision is seen ready at most `denseSeconds` late however its time splits between stages, while a
 * long provisioning costs few reads. After `denseForSeconds` in one stage (e.g. unhealthy through a
 * long warm-up grace) the spacing grows by the profile's `factor` up to `maxSeconds`. Pure: the caller
 * passes times from `context.df.currentUtcDateTime`.
 */
import type { VerifyPollProfile, VerifyStageSpacing } from "../domain/pollProfile.js";
import type { RevisionState } from "./revisionVerdict.js";
import { pollDelaySeconds } from "./pollSchedule.js";

/**
 * Where a revision stands on its way to ready: `absent` (no such revision: a 404 being confirmed),
 * `provisioning`, `starting` (provisioned, no replica running yet), `settling` (replicas run: probes,
 * the app's latest-ready name, traffic or the smoke request still pending), `unhealthy` (probes fail
 * or the revision is degraded, inside the warm-up grace).
 */
export type RevisionStage = "absent" | "provisioning" | "starting" | "settling" | "unhealthy";

/** Running states Azure reports while a revision's replicas start. */
const STARTING_RUNNING_STATES: readonly string[] = ["Processing", "Activating"];

/** The stage a read of the revision shows (undefined: the revision was not found). */
export function revisionStageOf(revision: RevisionState | undefined): RevisionStage {
  if (revision === undefined) return "absent";
  if (revision.provisioningState !== "Provisioned") return "provisioning";
  if (revision.healthState === "Unhealthy" || revision.runningState === "Degraded") return "unhealthy";
  if ((revision.replicas ?? 0) === 0 && revision.runningState !== undefined && STARTING_RUNNING_STATES.includes(revision.runningState)) return "starting";
  return "settling";
}

/** Where the wait is when it chooses its next delay. */
export interface VerifyPollPosition {
  stage: RevisionStage;
  /** Seconds since the first read that showed this stage. */
  stageSeconds: number;
  /** 0-based poll index of the whole verification: the plain-backoff schedule's attempt. */
  attempt: number;
  /**
   * Seconds from now before which this revision cannot be ready, as the target's learned floors put
   * it (src/policies/learnedVerifyFloors.ts); the next read comes no later than that plus the dense spacing.
   */
  earliestReadySeconds?: number;
  /**
   * Seconds until the verdict can change by time alone (the warm-up grace ends or the deadline
   * passes), when that is ahead: the delay never jumps past it.
   */
  untilChangeSeconds?: number;
}

/** Throws a RangeError when stage spacing cannot produce a sane schedule. */
function assertStageSpacing(stages: VerifyStageSpacing): void {
  for (const [name, value] of Object.entries(stages)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`verify poll stages.${name} must be a non-negative number (got ${value})`);
  }
  if (stages.denseSeconds < 1) throw new RangeError(`verify poll stages.denseSeconds must be at least 1 (got ${stages.denseSeconds})`);
}

/** Seconds the revision cannot be ready within, from a read showing `stage`, plus the dense spacing. */
function stageSpacingSeconds(stages: VerifyStageSpacing, stage: RevisionStage): number {
  switch (stage) {
    case "provisioning":
      return stages.denseSeconds + stages.activationFloorSeconds + stages.settlingFloorSeconds;
    case "starting":
      return stages.denseSeconds + stages.settlingFloorSeconds;
    default:
      return stages.denseSeconds;
  }
}

/**
 * Seconds to wait before the next read of a revision. Without `profile.stages` this is the plain
 * backoff of `pollDelaySeconds` (older deploy inputs). With them: the stage's spacing (or, when
 * learned floors put the earliest ready moment further, that moment plus the dense spacing); past
 * `denseForSeconds` in the stage, the time spent past it times `factor - 1` (so gaps grow
 * geometrically by `factor`), between the stage's spacing and `maxSeconds`. Never past
 * `untilChangeSeconds`, never below 1 second.
 */
export function verifyPollDelaySeconds(profile: VerifyPollProfile, position: VerifyPollPosition): number {
  const { stages } = profile;
  if (stages === undefined) return pollDelaySeconds(profile, position.attempt, position.untilChangeSeconds);
  pollDelaySeconds(profile, 0); // validates the backoff shape
  assertStageSpacing(stages);
  if (!Number.isFinite(position.stageSeconds) || position.stageSeconds < 0) throw new RangeError(`stageSeconds must be a non-negative number (got ${position.stageSeconds})`);
  const learned = position.earliestReadySeconds !== undefined && position.stage !== "absent" && position.stage !== "unhealthy" ? stages.denseSeconds + Math.max(0, position.earliestReadySeconds) : 0;
  const base = Math.max(stageSpacingSeconds(stages, position.stage), Math.floor(learned));
  const past = position.stageSeconds - stages.denseForSeconds;
  let delay = past >= 0 ? Math.max(base, Math.min(profile.maxSeconds, Math.ceil(past * (profile.factor - 1)))) : base;
  if (position.untilChangeSeconds !== undefined) delay = Math.min(delay, Math.ceil(position.untilChangeSeconds));
  return Math.max(1, delay);
}

/**
 * Whether to read the app now. The app is needed when the revision alone would pass (to confirm
 * Azure names it latest ready, it was not superseded, and the traffic mode), or when the revision
 * is inactive (superseded or deactivated: only the app says by what). It is skipped when the app
 * was read at the same revision state (`stateKey`) less than `appRecheckSeconds` ago, so a
 * revision waiting on its probes is not paired with an app read on every poll.
 */
export function appReadDue(
  stages: Pick<VerifyStageSpacing, "appRecheckSeconds">,
  needed: boolean,
  stateKey: string,
  last: { stateKey: string; secondsAgo: number } | undefined,
): boolean {
  if (!needed) return false;
  return last === undefined || last.stateKey !== stateKey || last.secondsAgo >= stages.appRecheckSeconds;
}

/** A short key of the revision fields an app read is paired with: a change in any of them warrants a new app read. */
export function revisionStateKey(revision: RevisionState, smokePassed: boolean | undefined): string {
  return [
    revision.provisioningState ?? "",
    revision.runningState ?? "",
    revision.healthState ?? "",
    (revision.replicas ?? 0) > 0 ? "replicas" : "none",
    revision.active === true ? "active" : "inactive",
    String(revision.trafficWeight ?? 0),
    smokePassed === undefined ? "" : smokePassed ? "smoke" : "nosmoke",
  ].join("|");
}
