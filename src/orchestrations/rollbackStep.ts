/**
 * The last rungs of the fallback ladder: quarantine the bad digest, and return the app to the last
 * known good revision (Single mode: PATCH the old image again; Multiple mode: move the traffic back,
 * then deactivate the failed revision) and verify it.
 */
import { ACTIVITIES, type ActivityFailure } from "../activities/contracts.js";
import { revisionSuffix } from "../policies/revisionSuffix.js";
import type { Flow } from "./calls.js";
import type { DeployOutput } from "./deployProgress.js";
import type { DeployRun, Rollout } from "./deployRun.js";
import { verifyRevision } from "./verifyStep.js";
import { writeWhenIdle } from "./writeWhenIdle.js";

/** Records the bad digest so later auto-rollouts skip it. */
export function quarantine(run: DeployRun, digest: string, reason: string): void {
  const { input, progress } = run;
  progress.start("quarantine");
  run.signalTarget("quarantine", { digest, deploymentId: input.deploymentId, reason, at: run.now().toISOString() });
  progress.finish("quarantine", "succeeded", `${digest} quarantined for ${input.target.containerApp}`);
}

/** Why a rollback runs and what its output reports. */
export interface RollbackCause {
  /** `RolledBack` after a failure; `Canceled` when an operator canceled after the PATCH. */
  outcome: "RolledBack" | "Canceled";
  /** Whether the caller quarantined the digest (only a revision judged bad is). */
  quarantined: boolean;
  /** The failed call that led here, reported in the output when the rollback does not replace it. */
  error?: ActivityFailure;
}

/** Returns the app to the last known good revision and verifies it. */
export function* rollBack(run: DeployRun, rollout: Rollout, reason: string, cause: RollbackCause): Flow<DeployOutput> {
  const { input, progress } = run;
  const { snapshot, newRevision: failedRevision, digest } = rollout;
  const { outcome } = cause;
  const extra = { ...(cause.error !== undefined ? { error: cause.error } : {}), ...(cause.quarantined ? { quarantinedDigest: digest } : {}) };
  if (snapshot.currentRevision === undefined) {
    // First deploy of the app: there is nothing to go back to.
    return progress.result(outcome === "Canceled" ? "Canceled" : "Failed", `${reason}; no previous revision to restore`, extra);
  }
  const previous = snapshot.currentRevision;
  progress.phase("RollingBack");
  progress.start("rollback");

  let rollbackRevision: string;
  let mustBeLatest: boolean;
  if (snapshot.revisionsMode === "Single") {
    // Single mode can only serve the latest revision: deploy the old image again, under its own suffix.
    const updated = yield* writeWhenIdle(run, ACTIVITIES.updateContainerApp, {
      target: input.target,
      containerName: snapshot.containerName,
      image: snapshot.currentImage,
      revisionSuffix: revisionSuffix(input.deploymentId, input.target.containerApp, "rollback"),
    }, false);
    if (!updated.ok) {
      progress.finish("rollback", "failed", `${updated.failure.code}: ${updated.failure.message}`);
      return progress.result("Failed", `${reason}; the rollback failed: ${updated.failure.code}: ${updated.failure.message}`, { ...extra, error: updated.failure });
    }
    rollbackRevision = updated.revisionName;
    mustBeLatest = true;
  } else {
    const moved = yield* writeWhenIdle(run, ACTIVITIES.moveTraffic, { target: input.target, toRevision: previous, fromRevision: failedRevision }, false);
    if (!moved.ok) {
      progress.finish("rollback", "failed", `${moved.failure.code}: ${moved.failure.message}`);
      return progress.result("Failed", `${reason}; the rollback failed: ${moved.failure.code}: ${moved.failure.message}`, { ...extra, error: moved.failure });
    }
    rollbackRevision = previous;
    mustBeLatest = false;
  }
  progress.finish("rollback", "succeeded", `serving ${snapshot.currentImage} again as ${rollbackRevision}`);

  progress.phase("Verifying");
  progress.start("verify-rollback");
  const verdict = yield* verifyRevision(
    run,
    snapshot,
    "verify-rollback",
    "verify-rollback",
    { revisionName: rollbackRevision, expectedTraffic: snapshot.traffic === undefined ? undefined : 100, mustBeLatest },
    false,
  );
  if (!verdict.passed) {
    progress.finish("verify-rollback", "failed", verdict.reason);
    return progress.result("Failed", `${reason}; the rollback did not pass verification either: ${verdict.reason}`, {
      ...extra,
      ...(verdict.failure ? { error: verdict.failure } : {}),
    });
  }
  if (snapshot.revisionsMode === "Multiple") {
    // Only now that the previous revision is seen taking all traffic is the failed one taken away.
    const deactivated = yield* run.activity(ACTIVITIES.deactivateRevision, { target: input.target, revisionName: failedRevision });
    if (!deactivated.ok) {
      progress.finish("verify-rollback", "failed", `${deactivated.failure.code}: ${deactivated.failure.message}`);
      return progress.result("Failed", `${reason}; traffic is back on ${rollbackRevision} but ${failedRevision} could not be deactivated: ${deactivated.failure.code}: ${deactivated.failure.message}`, {
        ...extra,
        error: deactivated.failure,
      });
    }
  }
  progress.finish("verify-rollback", "succeeded", `${rollbackRevision} is serving again${snapshot.revisionsMode === "Multiple" ? `; ${failedRevision} deactivated` : ""}`);
  run.signalTarget("recordKnownGood", {
    revision: rollbackRevision,
    image: snapshot.currentImage,
    ...(snapshot.currentDigest !== undefined ? { digest: snapshot.currentDigest } : {}),
    at: run.now().toISOString(),
  });
  // A cancel that came during the rollback did not stop it (restoring is what a cancel asks for), but
  // the deploy ends Canceled, as its 202 promised.
  if (outcome === "RolledBack" && run.canceled()) {
    return progress.result("Canceled", `${reason}; canceled by request during the rollback, which was finished: rolled back to ${rollbackRevision}`, extra);
  }
  return progress.result(outcome, `${reason}; ${outcome === "Canceled" ? "restored" : "rolled back to"} ${rollbackRevision}`, extra);
}
