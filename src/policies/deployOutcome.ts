/**
 * How a deploy ended. Every orchestration finishes with exactly one outcome and a human reason;
 * notifications and the final output report it as is.
 */

import type { DeployOutcomeKind } from "../domain/deployOutcomeKind.js";

/** An outcome with its reason. */
export interface DeployOutcome {
  outcome: DeployOutcomeKind;
  reason: string;
}

/** Builds an outcome; the reason must say something. */
export function deployOutcome(outcome: DeployOutcomeKind, reason: string): DeployOutcome {
  if (reason.trim().length === 0) throw new RangeError("an outcome needs a reason");
  return { outcome, reason };
}

/** True only for Succeeded: the deploy's image is what serves now. */
export function isSuccessfulOutcome(outcome: DeployOutcomeKind): boolean {
  return outcome === "Succeeded";
}

/** What verification and the remedies achieved, for {@link settleOutcome}. */
export interface VerificationRecord {
  /** The new revision passed verification (first try or after a restart). */
  newRevisionVerified: boolean;
  restarted?: boolean;
  /** A rollback was performed. */
  rolledBack?: boolean;
  /** The rolled-back revision passed verification. */
  rollbackVerified?: boolean;
  /** Why the new revision failed verification, when it did. */
  failureReason?: string;
}

/** The outcome of a deploy that ran to the end of verification and remedies. */
export function settleOutcome(record: VerificationRecord): DeployOutcome {
  const why = record.failureReason ?? "the new revision failed verification";
  if (record.newRevisionVerified) {
    return deployOutcome("Succeeded", record.restarted ? "the new revision passed verification after a restart" : "the new revision passed verification");
  }
  if (record.rolledBack && record.rollbackVerified) return deployOutcome("RolledBack", `${why}; rolled back to the previous revision`);
  if (record.rolledBack) return deployOutcome("Failed", `${why}; the rollback did not pass verification either`);
  return deployOutcome("Failed", why);
}
