/**
 * Verification of one revision through the `verifyRevision` sub-orchestration, and what a passed
 * verification records.
 */
import type { ActivityFailure, TargetSnapshot } from "../activities/contracts.js";
import type { VerifyTiming } from "../policies/learnedVerifyFloors.js";
import { awaitCall, raceCancel, subOrchestration, type Failed, type Flow } from "./calls.js";
import type { VerifyRevisionInput, VerifyRevisionOutput } from "./contracts.js";
import type { DeployOutput } from "./deployProgress.js";
import type { DeployRun, Rollout } from "./deployRun.js";
import { ORCHESTRATIONS } from "./names.js";

/** Result of one verification, flattened for the control flow. */
export interface VerifyResult {
  passed: boolean;
  reason: string;
  /** Why the revision could not be judged (its reads failed), when that is why it did not pass. */
  failure?: ActivityFailure;
  /** The deploy was canceled while this verification ran. */
  canceled?: boolean;
  /** Azure accepted the write but its operation failed and created no revision; `failure` says why. */
  writeFailed?: boolean;
  /** A passed verification of a fresh revision: the timing bounds the target learns from. */
  timing?: VerifyTiming;
}

/** Which revision to verify and what to expect of it. */
export type VerifyTarget = Pick<VerifyRevisionInput, "revisionName" | "expectedTraffic" | "mustBeLatest" | "warmupFrom" | "writeOperation" | "writtenAt" | "learned">;

/**
 * Runs the verification sub-orchestration for a revision under instance `<deploy>-<instanceSuffix>`;
 * with `cancelable`, a cancel ends the wait.
 */
export function* verifyRevision(run: DeployRun, snapshot: TargetSnapshot, step: string, instanceSuffix: string, revision: VerifyTarget, cancelable: boolean): Flow<VerifyResult> {
  const { input } = run;
  const verifyInput: VerifyRevisionInput = {
    target: input.target,
    ...revision,
    ...(input.policy.smokePath !== undefined ? { smokePath: input.policy.smokePath } : {}),
    minReplicas: snapshot.minReplicas,
    revisionsMode: snapshot.revisionsMode,
    warmupGraceSeconds: input.policy.warmupGraceSeconds,
    deadline: new Date(run.now().getTime() + input.policy.verifyTimeoutSeconds * 1000).toISOString(),
    poll: input.settings.verifyPoll,
    maxPollsPerExecution: input.settings.maxPollsPerExecution,
    attempt: 0,
    retry: input.settings.activityRetry,
  };
  const call = subOrchestration(run.context, ORCHESTRATIONS.verifyRevision, verifyInput, run.childId(instanceSuffix));
  let result: VerifyRevisionOutput | Failed;
  if (cancelable) {
    const raced = yield* raceCancel(run.context, call, run.cancel);
    if (raced.canceled) {
      // Terminated, not left to run to its own deadline: no poll outlives the deploy's interest in it.
      if (raced.started) yield* run.stopChild(instanceSuffix, "the deploy was canceled");
      return { passed: false, reason: "canceled by request", canceled: true };
    }
    result = raced.result;
  } else {
    result = yield* awaitCall(call);
  }
  if (!result.ok) {
    return { passed: false, reason: `${step}: ${result.failure.code}: ${result.failure.message}`, failure: result.failure, ...("writeFailed" in result && result.writeFailed ? { writeFailed: true } : {}) };
  }
  if (result.verdict.verdict === "passed") return { passed: true, reason: "", ...(result.timing !== undefined ? { timing: result.timing } : {}) };
  return { passed: false, reason: `revision ${revision.revisionName} failed verification: ${result.verdict.reasons.join("; ")}` };
}

/** Success: record the new last known good and finish. */
export function passed(run: DeployRun, rollout: Rollout, reason: string, step = "verify"): DeployOutput {
  run.progress.finish(step, "succeeded", `${rollout.newRevision} is provisioned, running, healthy, ready and taking its traffic`);
  run.signalTarget("recordKnownGood", {
    revision: rollout.newRevision,
    image: rollout.image,
    digest: rollout.digest,
    deploymentId: run.input.deploymentId,
    at: run.now().toISOString(),
  });
  return run.progress.result("Succeeded", reason);
}
