/**
 * The deploy orchestration: one durable workflow per deploy. It only decides; every read and write
 * is an activity, every wait a durable timer inside a sub-orchestration.
 *
 *   queue (one deploy per app; only the newest waiter runs) → inspect the app (last known good)
 *   → build (ACR Tasks with a registry layer cache) → resolve the digest → PATCH the app with a
 *   deterministic revision suffix → verify the new revision → restart → roll back → quarantine.
 *
 * The app lock is released on every path that reaches the end, and the waiting deploys are woken.
 */
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import {
  ACTIVITIES,
  type ActivityFailure,
  type CancelBuildRunOutput,
  type DeactivateRevisionOutput,
  type InspectTargetOutput,
  type MoveTrafficOutput,
  type QueueNotice,
  type ReadBuildLogTailOutput,
  type RegistryRef,
  type ResolveDigestOutput,
  type RestartRevisionOutput,
  type ScheduleBuildOutput,
  type TargetSnapshot,
  type UpdateContainerAppOutput,
  DEPLOY_QUEUE_EVENT,
} from "../activities/contracts.js";
import { parseDeploymentInput, type DeploymentInput } from "../domain/deployment.js";
import { formatByDigest } from "../domain/imageReference.js";
import { DEPLOY_STEPS } from "../domain/timeline.js";
import { ENTITIES, targetKey } from "../entities/names.js";
import type { EnqueueAnswer, ReleaseAnswer } from "../entities/targetRecord.js";
import { nextFallbackStep } from "../policies/fallbackPlan.js";
import { pollDelaySeconds } from "../policies/pollSchedule.js";
import { revisionSuffix } from "../policies/revisionSuffix.js";
import { activityRetryOptions } from "./activityRetry.js";
import { DeployProgress, type DeployOutput } from "./deployProgress.js";
import { CANCEL_EVENT, ORCHESTRATIONS } from "./names.js";
import type { WaitForBuildRunInput, WaitForBuildRunOutput } from "./waitForBuildRun.js";
import { expectedWeight, type VerifyRevisionInput, type VerifyRevisionOutput } from "./verifyRevision.js";

/** Bytes of build log kept when a build fails. */
const LOG_TAIL_BYTES = 4096;
/** How long past the run's own timeout the wait keeps polling before giving up. */
const BUILD_DEADLINE_SLACK_SECONDS = 600;

type Step = Generator<df.Task, DeployOutput, unknown>;

/** The orchestrator function. */
export function* deployOrchestrator(context: OrchestrationContext): Step {
  const parsed = parseDeploymentInput(context.df.getInput());
  if (!parsed.ok) {
    // Triggers validate first; this guards against a bad direct start and records why.
    const progress = new DeployProgress(context, context.df.instanceId, DEPLOY_STEPS);
    return progress.result("Failed", `invalid deploy input: ${parsed.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`);
  }
  const input = parsed.value;
  const progress = new DeployProgress(context, input.deploymentId, DEPLOY_STEPS);
  const entity = new df.EntityId(ENTITIES.deployTarget, targetKey(input.target));

  // Created once and raced against every wait; it is only noticed at those waits.
  const cancel = context.df.waitForExternalEvent(CANCEL_EVENT);

  progress.start("queue");
  const turn = (yield context.df.callEntity(entity, "enqueue", { deploymentId: input.deploymentId })) as EnqueueAnswer;
  let output: DeployOutput | undefined;
  if (!turn.granted) {
    progress.phase("Queued");
    const noticeTask = context.df.waitForExternalEvent(DEPLOY_QUEUE_EVENT);
    const first = (yield context.df.Task.any([noticeTask, cancel])) as df.Task;
    if (first === cancel) {
      progress.finish("queue", "skipped", "canceled while waiting for the app");
      output = progress.result("Canceled", "canceled while waiting for the app; nothing was changed");
    } else {
      const notice = noticeTask.result as QueueNotice;
      if (notice.kind === "superseded") {
        progress.finish("queue", "skipped", `superseded by ${notice.supersededBy ?? "a newer deploy"}`);
        return progress.result("Superseded", `a newer deploy (${notice.supersededBy ?? "unknown"}) replaced this one while it waited`, {
          ...(notice.supersededBy !== undefined ? { supersededBy: notice.supersededBy } : {}),
        });
      }
    }
  }

  if (output === undefined) {
    progress.finish("queue", "succeeded", turn.granted ? "the app was free" : "the previous deploy finished");
    try {
      output = yield* runDeploy(context, input, progress, cancel);
    } catch (error) {
      // An activity that kept failing after its retries: end cleanly so the app is released.
      output = progress.result("Failed", `unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  context.df.signalEntity(entity, "recordDeployment", { deploymentId: input.deploymentId, outcome: output.outcome, at: context.df.currentUtcDateTime.toISOString() });
  const released = (yield context.df.callEntity(entity, "release", { deploymentId: input.deploymentId })) as ReleaseAnswer;
  if (released.notices.length > 0) {
    yield context.df.callActivityWithRetry(ACTIVITIES.notifyDeployQueue, activityRetryOptions(input.settings.activityRetry), { notices: released.notices });
  }
  return output;
}

/** Everything between taking the app and releasing it. */
function* runDeploy(context: OrchestrationContext, input: DeploymentInput, progress: DeployProgress, cancel: df.Task): Step {
  const retry = activityRetryOptions(input.settings.activityRetry);
  const { target, image } = input;
  const fail = (step: string, failure: ActivityFailure, what: string): DeployOutput => {
    progress.finish(step, "failed", `${failure.code}: ${failure.message}`);
    return progress.result("Failed", `${what}: ${failure.code}: ${failure.message}`, { error: failure });
  };

  // 1. Inspect: the app as it is now is the last known good.
  progress.start("inspect");
  const inspected = (yield context.df.callActivityWithRetry(ACTIVITIES.inspectTarget, retry, { target, loginServer: image.loginServer })) as InspectTargetOutput;
  if (!inspected.ok) return fail("inspect", inspected.failure, `cannot deploy to ${target.containerApp}`);
  const snapshot = inspected.snapshot;
  progress.set(snapshot.currentRevision !== undefined ? { previousRevision: snapshot.currentRevision } : {});
  progress.finish("inspect", "succeeded", `${snapshot.revisionsMode} mode, serving ${snapshot.currentRevision ?? "no revision"} (${snapshot.currentImage})`);

  // 2. Build, when asked.
  let digest = image.digest;
  let tagToResolve = image.tag;
  if (input.build) {
    const build = input.build;
    progress.phase("Building");
    progress.start("build");
    const registry: RegistryRef = {
      subscriptionId: build.registry.subscriptionId ?? target.subscriptionId,
      resourceGroup: build.registry.resourceGroup,
      name: build.registry.name ?? image.loginServer.split(".")[0] ?? image.loginServer,
    };
    const scheduled = (yield context.df.callActivityWithRetry(ACTIVITIES.scheduleBuild, retry, {
      deploymentId: input.deploymentId,
      registry,
      repository: image.repository,
      tag: image.tag,
      build,
    })) as ScheduleBuildOutput;
    if (!scheduled.ok) return fail("build", scheduled.failure, "the build could not be scheduled");
    progress.set({ runId: scheduled.runId });

    const now = context.df.currentUtcDateTime.getTime();
    const waitInput: WaitForBuildRunInput = {
      registry,
      runId: scheduled.runId,
      poll: input.settings.buildPoll,
      maxPollsPerExecution: input.settings.maxPollsPerExecution,
      deadline: new Date(now + (build.timeoutSeconds + BUILD_DEADLINE_SLACK_SECONDS) * 1000).toISOString(),
      attempt: 0,
      retry: input.settings.activityRetry,
    };
    const buildTask = context.df.callSubOrchestrator(ORCHESTRATIONS.waitForBuildRun, waitInput, `${input.deploymentId}-build`);
    const first = (yield context.df.Task.any([buildTask, cancel])) as df.Task;
    if (first === cancel) {
      // The wait sees the run end Canceled and finishes by itself.
      const canceled = (yield context.df.callActivityWithRetry(ACTIVITIES.cancelBuildRun, retry, { registry, runId: scheduled.runId })) as CancelBuildRunOutput;
      const how = canceled.ok ? `ACR run ${scheduled.runId} canceled` : `canceling ACR run ${scheduled.runId} failed: ${canceled.failure.code}`;
      progress.finish("build", "failed", `canceled by request; ${how}`);
      return progress.result("Canceled", `canceled during the build; ${how}; the Container App was not changed`, canceled.ok ? {} : { error: canceled.failure });
    }
    const waited = buildTask.result as WaitForBuildRunOutput;
    if (!waited.ok) return fail("build", waited.failure, `build run ${scheduled.runId} could not be read`);
    if (waited.run.status !== "Succeeded") {
      if (waited.timedOut) yield context.df.callActivityWithRetry(ACTIVITIES.cancelBuildRun, retry, { registry, runId: scheduled.runId });
      const status = waited.timedOut ? `still ${waited.run.status} at the deadline (canceled)` : waited.run.status;
      const log = (yield context.df.callActivityWithRetry(ACTIVITIES.readBuildLogTail, retry, { registry, runId: scheduled.runId, maxBytes: LOG_TAIL_BYTES })) as ReadBuildLogTailOutput;
      progress.finish("build", "failed", `run ${scheduled.runId} ended ${status}`);
      return progress.result("Failed", `build run ${scheduled.runId} ended ${status}; the Container App was not changed`, log.ok ? { logTail: log.tail } : {});
    }
    progress.finish("build", "succeeded", `run ${scheduled.runId} succeeded`);
    // cmd-step builds report no output images; when a run does, its digest for our tag is authoritative.
    digest = waited.run.outputImages.find((o) => o.repository === image.repository && o.tag === scheduled.resultTag && o.digest)?.digest;
    tagToResolve = scheduled.resultTag;
  } else {
    progress.finish("build", "skipped", "no build requested");
  }

  // 3. Resolve the digest: from here on the image is referenced by digest only.
  progress.start("resolve-digest");
  if (digest === undefined) {
    const resolved = (yield context.df.callActivityWithRetry(ACTIVITIES.resolveDigest, retry, {
      loginServer: image.loginServer,
      repository: image.repository,
      tag: tagToResolve,
    })) as ResolveDigestOutput;
    if (!resolved.ok) return fail("resolve-digest", resolved.failure, `cannot resolve ${image.repository}:${tagToResolve ?? ""}`);
    digest = resolved.digest;
  }
  const newImage = formatByDigest(image.loginServer, image.repository, digest);
  progress.set({ digest, image: newImage });
  progress.finish("resolve-digest", "succeeded", newImage);

  // 4. Update the app; the suffix makes a replayed or retried PATCH name the same revision.
  progress.phase("Deploying");
  progress.start("deploy");
  const updated = yield* writeWhenIdle<UpdateContainerAppOutput>(context, input, ACTIVITIES.updateContainerApp, {
    target,
    containerName: snapshot.containerName,
    image: newImage,
    revisionSuffix: revisionSuffix(input.deploymentId, target.containerApp, "deploy"),
  });
  if (!updated.ok) return fail("deploy", updated.failure, `updating ${target.containerApp} failed`);
  const newRevision = updated.revisionName;
  progress.set({ newRevision });
  progress.finish("deploy", "succeeded", `${newRevision}${updated.alreadyApplied ? " (already applied)" : ""}`);

  // 5. Verify the revision this deploy created.
  progress.phase("Verifying");
  progress.start("verify");
  const expectedTraffic = snapshot.revisionsMode === "Single" ? (snapshot.traffic === undefined ? undefined : 100) : expectedWeight(snapshot.traffic, newRevision);
  const verifyNew = (step: string, instanceSuffix: string, warmupFrom?: string) =>
    verify(
      context,
      input,
      snapshot,
      step,
      `${input.deploymentId}-${instanceSuffix}`,
      {
        revisionName: newRevision,
        expectedTraffic,
        mustBeLatest: true,
        ...(warmupFrom !== undefined ? { warmupFrom } : {}),
      },
      cancel,
    );
  const restoreAfterCancel = (step: string): Step => {
    progress.finish(step, "failed", "canceled by request");
    return rollBack(context, input, progress, snapshot, newRevision, digest, "canceled by request", "Canceled");
  };
  let verdict = yield* verifyNew("verify", "verify");
  if (verdict.canceled) return yield* restoreAfterCancel("verify");
  if (verdict.passed) return passed(context, input, progress, newRevision, newImage, digest, "the new revision passed verification");
  if (verdict.failure) return fail("verify", verdict.failure, `reading revision ${newRevision} failed`);
  let failureReason = verdict.reason;
  progress.finish("verify", "failed", failureReason);

  // 6. Fall back per policy; each remedy runs at most once, so this loop ends.
  let restarted = false;
  const canRollBack = snapshot.currentRevision !== undefined;
  for (;;) {
    const decision = nextFallbackStep(input.policy.onFailure, { restarted, rolledBack: false, canRollBack });
    if (decision.step === "restart") {
      restarted = true;
      progress.phase("Restarting");
      progress.start("restart", decision.reason);
      const restart = (yield context.df.callActivityWithRetry(ACTIVITIES.restartRevision, retry, { target, revisionName: newRevision })) as RestartRevisionOutput;
      if (!restart.ok) {
        progress.finish("restart", "failed", `${restart.failure.code}: ${restart.failure.message}`);
        continue;
      }
      progress.finish("restart", "succeeded", `restarted ${newRevision}`);
      progress.phase("Verifying");
      progress.start("verify-after-restart");
      verdict = yield* verifyNew("verify-after-restart", "verify-restart", context.df.currentUtcDateTime.toISOString());
      if (verdict.canceled) return yield* restoreAfterCancel("verify-after-restart");
      if (verdict.passed) return passed(context, input, progress, newRevision, newImage, digest, "the new revision passed verification after a restart", "verify-after-restart");
      if (verdict.failure) return fail("verify-after-restart", verdict.failure, `reading revision ${newRevision} failed`);
      failureReason = verdict.reason;
      progress.finish("verify-after-restart", "failed", failureReason);
      continue;
    }

    quarantine(context, input, progress, digest, failureReason);
    if (decision.step === "give-up") {
      return progress.result("Failed", `${failureReason}; ${decision.reason}`, { quarantinedDigest: digest });
    }
    return yield* rollBack(context, input, progress, snapshot, newRevision, digest, `${failureReason}; ${decision.reason}`, "RolledBack");
  }
}

/** Result of one verification, flattened for the control flow. */
interface VerifyResult {
  passed: boolean;
  reason: string;
  failure?: ActivityFailure;
  /** The deploy was canceled while this verification ran. */
  canceled?: boolean;
}

/** ARM's answer while an earlier operation on the app is still running. */
const APP_BUSY = "ContainerAppOperationInProgress";
/** How many times a write waits for the app to become idle before giving up. */
const MAX_BUSY_WAITS = 12;

/**
 * Calls an activity that writes to the app, waiting with durable timers while ARM reports that an
 * earlier operation (typically this deploy's own PATCH) is still in progress.
 */
function* writeWhenIdle<T extends { ok: true } | { ok: false; failure: ActivityFailure }>(
  context: OrchestrationContext,
  input: DeploymentInput,
  activity: string,
  activityInput: unknown,
): Generator<df.Task, T, unknown> {
  const retry = activityRetryOptions(input.settings.activityRetry);
  for (let attempt = 0; ; attempt++) {
    const result = (yield context.df.callActivityWithRetry(activity, retry, activityInput)) as T;
    if (result.ok || result.failure.code !== APP_BUSY || attempt >= MAX_BUSY_WAITS) return result;
    const delay = pollDelaySeconds(input.settings.deployPoll, attempt);
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + delay * 1000));
  }
}

/** Runs the verification sub-orchestration for a revision. */
function* verify(
  context: OrchestrationContext,
  input: DeploymentInput,
  snapshot: TargetSnapshot,
  step: string,
  instanceId: string,
  revision: Pick<VerifyRevisionInput, "revisionName" | "expectedTraffic" | "mustBeLatest" | "warmupFrom">,
  cancel?: df.Task,
): Generator<df.Task, VerifyResult, unknown> {
  const now = context.df.currentUtcDateTime.getTime();
  const verifyInput: VerifyRevisionInput = {
    target: input.target,
    ...revision,
    ...(input.policy.smokePath !== undefined ? { smokePath: input.policy.smokePath } : {}),
    minReplicas: snapshot.minReplicas,
    warmupGraceSeconds: input.policy.warmupGraceSeconds,
    deadline: new Date(now + input.policy.verifyTimeoutSeconds * 1000).toISOString(),
    poll: input.settings.verifyPoll,
    maxPollsPerExecution: input.settings.maxPollsPerExecution,
    attempt: 0,
    retry: input.settings.activityRetry,
  };
  const task = context.df.callSubOrchestrator(ORCHESTRATIONS.verifyRevision, verifyInput, instanceId);
  if (cancel !== undefined) {
    const first = (yield context.df.Task.any([task, cancel])) as df.Task;
    if (first === cancel) return { passed: false, reason: "canceled by request", canceled: true };
  } else {
    yield task;
  }
  const result = task.result as VerifyRevisionOutput;
  if (!result.ok) return { passed: false, reason: `${step}: ${result.failure.message}`, failure: result.failure };
  if (result.verdict.verdict === "passed") return { passed: true, reason: "" };
  return { passed: false, reason: `revision ${revision.revisionName} failed verification: ${result.verdict.reasons.join("; ")}` };
}

/** Success: record the new last known good and finish. */
function passed(
  context: OrchestrationContext,
  input: DeploymentInput,
  progress: DeployProgress,
  revision: string,
  image: string,
  digest: string,
  reason: string,
  step = "verify",
): DeployOutput {
  progress.finish(step, "succeeded", `${revision} is provisioned, running, healthy, ready and taking its traffic`);
  context.df.signalEntity(new df.EntityId(ENTITIES.deployTarget, targetKey(input.target)), "recordKnownGood", {
    revision,
    image,
    digest,
    deploymentId: input.deploymentId,
    at: context.df.currentUtcDateTime.toISOString(),
  });
  return progress.result("Succeeded", reason);
}

/** Records the bad digest so later auto-rollouts skip it. */
function quarantine(context: OrchestrationContext, input: DeploymentInput, progress: DeployProgress, digest: string, reason: string): void {
  progress.start("quarantine");
  context.df.signalEntity(new df.EntityId(ENTITIES.deployTarget, targetKey(input.target)), "quarantine", {
    digest,
    deploymentId: input.deploymentId,
    reason,
    at: context.df.currentUtcDateTime.toISOString(),
  });
  progress.finish("quarantine", "succeeded", `${digest} quarantined for ${input.target.containerApp}`);
}

/** Returns the app to the last known good revision and verifies it. */
function* rollBack(
  context: OrchestrationContext,
  input: DeploymentInput,
  progress: DeployProgress,
  snapshot: TargetSnapshot,
  failedRevision: string,
  digest: string,
  reason: string,
  outcome: "RolledBack" | "Canceled",
): Step {
  const retry = activityRetryOptions(input.settings.activityRetry);
  // A bad digest is quarantined by the caller; a canceled one was never judged, so it is not.
  const quarantined = outcome === "RolledBack" ? { quarantinedDigest: digest } : {};
  if (snapshot.currentRevision === undefined) {
    // First deploy of the app: there is nothing to go back to.
    return progress.result(outcome === "Canceled" ? "Canceled" : "Failed", `${reason}; no previous revision to restore`, quarantined);
  }
  const previous = snapshot.currentRevision;
  progress.phase("RollingBack");
  progress.start("rollback");

  let rollbackRevision: string;
  let mustBeLatest: boolean;
  if (snapshot.revisionsMode === "Single") {
    // Single mode can only serve the latest revision: deploy the old image again, under its own suffix.
    const updated = yield* writeWhenIdle<UpdateContainerAppOutput>(context, input, ACTIVITIES.updateContainerApp, {
      target: input.target,
      containerName: snapshot.containerName,
      image: snapshot.currentImage,
      revisionSuffix: revisionSuffix(input.deploymentId, input.target.containerApp, "rollback"),
    });
    if (!updated.ok) {
      progress.finish("rollback", "failed", `${updated.failure.code}: ${updated.failure.message}`);
      return progress.result("Failed", `${reason}; the rollback failed: ${updated.failure.code}: ${updated.failure.message}`, { error: updated.failure, ...quarantined });
    }
    rollbackRevision = updated.revisionName;
    mustBeLatest = true;
  } else {
    const moved = yield* writeWhenIdle<MoveTrafficOutput>(context, input, ACTIVITIES.moveTraffic, { target: input.target, toRevision: previous, fromRevision: failedRevision });
    if (!moved.ok) {
      progress.finish("rollback", "failed", `${moved.failure.code}: ${moved.failure.message}`);
      return progress.result("Failed", `${reason}; the rollback failed: ${moved.failure.code}: ${moved.failure.message}`, { error: moved.failure, ...quarantined });
    }
    rollbackRevision = previous;
    mustBeLatest = false;
  }
  progress.finish("rollback", "succeeded", `serving ${snapshot.currentImage} again as ${rollbackRevision}`);

  progress.phase("Verifying");
  progress.start("verify-rollback");
  const verdict = yield* verify(context, input, snapshot, "verify-rollback", `${input.deploymentId}-verify-rollback`, {
    revisionName: rollbackRevision,
    expectedTraffic: snapshot.traffic === undefined ? undefined : 100,
    mustBeLatest,
  });
  if (!verdict.passed) {
    progress.finish("verify-rollback", "failed", verdict.reason);
    return progress.result("Failed", `${reason}; the rollback did not pass verification either: ${verdict.reason}`, {
      ...(verdict.failure ? { error: verdict.failure } : {}),
      ...quarantined,
    });
  }
  if (snapshot.revisionsMode === "Multiple") {
    // Only now that the previous revision is seen taking all traffic is the failed one taken away.
    const deactivated = (yield context.df.callActivityWithRetry(ACTIVITIES.deactivateRevision, retry, { target: input.target, revisionName: failedRevision })) as DeactivateRevisionOutput;
    if (!deactivated.ok) {
      progress.finish("verify-rollback", "failed", `${deactivated.failure.code}: ${deactivated.failure.message}`);
      return progress.result("Failed", `${reason}; traffic is back on ${rollbackRevision} but ${failedRevision} could not be deactivated: ${deactivated.failure.code}: ${deactivated.failure.message}`, {
        error: deactivated.failure,
        ...quarantined,
      });
    }
  }
  progress.finish("verify-rollback", "succeeded", `${rollbackRevision} is serving again${snapshot.revisionsMode === "Multiple" ? `; ${failedRevision} deactivated` : ""}`);
  context.df.signalEntity(new df.EntityId(ENTITIES.deployTarget, targetKey(input.target)), "recordKnownGood", {
    revision: rollbackRevision,
    image: snapshot.currentImage,
    ...(snapshot.currentDigest !== undefined ? { digest: snapshot.currentDigest } : {}),
    at: context.df.currentUtcDateTime.toISOString(),
  });
  return progress.result(outcome, `${reason}; ${outcome === "Canceled" ? "restored" : "rolled back to"} ${rollbackRevision}`, quarantined);
}

df.app.orchestration(ORCHESTRATIONS.deploy, deployOrchestrator);
