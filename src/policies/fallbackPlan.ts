/**
 * What to try after the new revision fails verification, following the deploy's `onFailure`
 * policy. Each remedy is tried at most once; a rollback is only possible when a previous revision
 * (or previous image) is known, i.e. not on an app's first deploy.
 */
import type { OnFailure } from "../domain/deployment.js";

/** The next remedy: restart the new revision, roll back to the previous one, or stop trying. */
export type FallbackStep = "restart" | "rollback" | "give-up";

/** What has been tried so far for this deploy. */
export interface FallbackHistory {
  restarted?: boolean;
  rolledBack?: boolean;
  /** False when there is nothing to roll back to (first deploy of the app). Defaults to true. */
  canRollBack?: boolean;
}

/** The chosen step and why, for the timeline. */
export interface FallbackDecision {
  step: FallbackStep;
  reason: string;
}

/** Picks the next remedy from the policy and what has been tried. */
export function nextFallbackStep(onFailure: OnFailure, history: FallbackHistory = {}): FallbackDecision {
  const restarted = history.restarted ?? false;
  const rolledBack = history.rolledBack ?? false;
  const canRollBack = history.canRollBack ?? true;
  const tryRollback = (): FallbackDecision => {
    if (rolledBack) return { step: "give-up", reason: "already rolled back" };
    if (!canRollBack) return { step: "give-up", reason: "no previous revision to roll back to" };
    return { step: "rollback", reason: restarted ? "restart did not help; rolling back" : "rolling back to the previous revision" };
  };
  switch (onFailure) {
    case "none":
      return { step: "give-up", reason: "onFailure is none" };
    case "restart":
      return restarted ? { step: "give-up", reason: "already restarted once" } : { step: "restart", reason: "restarting the new revision" };
    case "rollback":
      return tryRollback();
    case "restart-then-rollback":
      if (!restarted && !rolledBack) return { step: "restart", reason: "restarting the new revision before rolling back" };
      return tryRollback();
  }
}
