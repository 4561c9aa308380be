/**
 * Everything between taking the app and releasing it: inspect → build → resolve the digest → PATCH
 * → verify → the fallback ladder (restart, roll back, quarantine) as the policy says.
 */
import { ACTIVITIES, type ActivityFailure } from "../activities/contracts.js";
import { formatByDigest } from "../domain/imageReference.js";
import type { TargetRecord } from "../entities/targetRecord.js";
import { nextFallbackStep } from "../policies/fallbackPlan.js";
import { describeImagePullFailure, parseImagePullFailure } from "../policies/imagePullFailure.js";
import { learnedFloors, type LearnedFloors } from "../policies/learnedVerifyFloors.js";
import { lastKnownGoodNotes } from "../policies/lastKnownGood.js";
import { revisionSuffix } from "../policies/revisionSuffix.js";
import { rolloutTraffic, type RolloutTraffic } from "../policies/rolloutTraffic.js";
import { reportOnBuild } from "./buildReportStep.js";
import { buildImage, type BuildResult } from "./buildStep.js";
import { lintUploadedContext } from "./lintStep.js";
import { callTargetEntity, type Flow } from "./calls.js";
import type { DeployOutput } from "./deployProgress.js";
import type { DeployRun, Rollout } from "./deployRun.js";
import { quarantine, rollBack } from "./rollbackStep.js";
import { passed, verifyRevision, type VerifyResult, type VerifyTarget } from "./verifyStep.js";
import { writeWhenIdle } from "./writeWhenIdle.js";

/** Runs the deploy on an app this deploy holds. */
export function* runDeploy(run: DeployRun): Flow<DeployOutput> {
  const { input, progress } = run;
  const { target, image } = input;
  // Before the PATCH a cancel, noticed between steps or in a wait, leaves the app as it was.
  const stopBefore = (step: string): DeployOutput => {
    progress.finish(step, "canceled", "canceled by request before it started");
    return progress.result("Canceled", `canceled by request before ${step}; the Container App was not changed`);
  };

  // 1. Inspect: the app as it is now is the last known good.
  if (run.canceled()) return stopBefore("inspect");
  progress.start("inspect");
  const inspected = yield* run.activity(ACTIVITIES.inspectTarget, { target, loginServer: image.loginServer });
  if (!inspected.ok) return run.fail("inspect", inspected.failure, `cannot deploy to ${target.containerApp}`);
  const snapshot = inspected.snapshot;
  progress.set(snapshot.currentRevision !== undefined ? { previousRevision: snapshot.currentRevision } : {});
  // Cross-check what serves with the template and the last known good on record; what serves wins.
  const record = yield* callTargetEntity(run.context, run.entity, "get", undefined);
  const notes = lastKnownGoodNotes(
    { revision: snapshot.currentRevision, image: snapshot.currentImage, templateImage: snapshot.templateImage },
    "failure" in record ? undefined : record.lastKnownGood,
  );
  progress.finish("inspect", "succeeded", [`${snapshot.revisionsMode} mode, serving ${snapshot.currentRevision ?? "no revision"} (${snapshot.currentImage})`, ...notes].join("; "));

  // 2. Build, when asked.
  let digest = image.digest;
  let tagToResolve = image.tag;
  let built: Extract<BuildResult, { ok: true }> | undefined;
  if (input.build) {
    if (run.canceled()) return stopBefore("build");
    const linted = yield* lintUploadedContext(run, input.build);
    if (!linted.ok) return linted.output;
    if (run.canceled()) return stopBefore("build");
    const result = yield* buildImage(run, input.build);
    if (!result.ok) return result.output;
    built = result;
    digest = result.digest;
    tagToResolve = result.tag;
  } else {
    progress.finish("build", "skipped", "no build requested");
  }

  // 3. Resolve the digest: from here on the image is referenced by digest only.
  if (run.canceled()) return stopBefore("resolve-digest");
  progress.start("resolve-digest");
  if (digest === undefined) {
    const resolved = yield* run.activity(ACTIVITIES.resolveDigest, { loginServer: image.loginServer, repository: image.repository, tag: tagToResolve ?? "" });
    if (!resolved.ok) return run.fail("resolve-digest", resolved.failure, `cannot resolve ${image.repository}:${tagToResolve ?? ""}`);
    digest = resolved.digest;
  }
  const newImage = formatByDigest(image.loginServer, image.repository, digest);
  progress.set({ digest, image: newImage });

  // A quarantined digest is never deployed, whatever the trigger: the app's entity is the one record.
  // Read afresh, as a build may have taken long enough for a quarantine to be added.
  const now = yield* callTargetEntity(run.context, run.entity, "get", undefined);
  if ("failure" in now) return run.fail("resolve-digest", now.failure, `cannot read the quarantine of ${target.containerApp}`);
  const quarantined = now.quarantine.find((entry) => entry.digest === digest);
  if (quarantined !== undefined) {
    progress.finish("resolve-digest", "failed", `${newImage} is quarantined`);
    const lift = `DELETE /api/targets/${input.targetName ?? "{name}"}/quarantine/${digest}`;
    return progress.result(
      "Quarantined",
      `${digest}${input.image.tag !== undefined ? ` (tag ${input.image.tag})` : ""} is quarantined for ${target.containerApp}: deploy ${quarantined.deploymentId} quarantined it at ${quarantined.at} (${quarantined.reason}); ` +
        `the app was not changed. Lift it with ${lift} to deploy it again.`,
    );
  }
  progress.finish("resolve-digest", "succeeded", newImage);
  // What the build reused, against what the app serves now (its last known good).
  if (built) yield* reportOnBuild(run, built, digest, snapshot.currentImage);

  // 4. Update the app; the suffix makes a replayed or retried PATCH name the same revision.
  if (run.canceled()) return stopBefore("deploy");
  progress.phase("Deploying");
  progress.start("deploy");
  const updated = yield* writeWhenIdle(
    run,
    ACTIVITIES.updateContainerApp,
    { target, containerName: snapshot.containerName, image: newImage, revisionSuffix: revisionSuffix(input.deploymentId, target.containerApp, "deploy") },
    true,
  );
  if ("canceled" in updated) {
    progress.finish("deploy", "canceled", updated.failure.message);
    return progress.result("Canceled", `canceled by request during deploy, while ${target.containerApp} was busy; the Container App was not changed`);
  }
  if (!updated.ok) return run.fail("deploy", updated.failure, `updating ${target.containerApp} failed`);
  const rollout: Rollout = {
    snapshot,
    digest,
    image: newImage,
    newRevision: updated.revisionName,
    ...(updated.operation !== undefined ? { writeOperation: updated.operation } : {}),
    ...(updated.alreadyApplied ? {} : { writtenAt: run.now().toISOString() }),
  };
  progress.set({ newRevision: rollout.newRevision });
  progress.finish("deploy", "succeeded", `${rollout.newRevision}${updated.alreadyApplied ? " (already applied)" : ""}`);

  return yield* verifyAndFallBack(run, rollout);
}

/**
 * Verifies the new revision and, when it fails, walks the fallback ladder. From here on the app has
 * changed, so every failure (a verdict, reads that kept failing, a restart that failed) goes through
 * the ladder the policy sets; none ends the deploy without a rollback the policy allows. A cancel
 * stops the step it finds running (or the next one) and restores the last known good.
 */
function* verifyAndFallBack(run: DeployRun, rollout: Rollout): Flow<DeployOutput> {
  const { input, progress } = run;
  const { snapshot, newRevision } = rollout;
  const traffic = rolloutTraffic(snapshot.revisionsMode, snapshot.traffic, newRevision);
  const verifyNew = (step: string, instanceSuffix: string, warmupFrom?: string): Flow<VerifyResult> => verifyNewRevision(run, rollout, traffic, step, instanceSuffix, warmupFrom);
  /** The cancel stopped `step` (running, or next to run): put the last known good back. */
  const restoreAfterCancel = (step: string, detail = "canceled by request"): Flow<DeployOutput> => {
    progress.finish(step, "canceled", detail);
    return rollBack(run, rollout, `canceled by request during ${step}`, { outcome: "Canceled", quarantined: false });
  };

  progress.phase("Verifying");
  progress.start("verify");
  let verdict = yield* verifyNew("verify", "verify");
  if (verdict.canceled) return yield* restoreAfterCancel("verify");
  if (verdict.passed) return passed(run, rollout, "the new revision passed verification");
  if (verdict.writeFailed && verdict.failure !== undefined) return writeFailed(run, rollout, verdict.failure);
  progress.finish("verify", "failed", verdict.reason);

  // Each remedy runs at most once, so this loop ends.
  let restarted = false;
  const canRollBack = snapshot.currentRevision !== undefined;
  for (;;) {
    const decision = nextFallbackStep(input.policy.onFailure, { restarted, rolledBack: false, canRollBack });
    if (decision.step === "restart") {
      restarted = true;
      if (run.canceled()) return yield* restoreAfterCancel("restart", "canceled by request before it started");
      progress.phase("Restarting");
      progress.start("restart", decision.reason);
      const restart = yield* run.activity(ACTIVITIES.restartRevision, { target: input.target, revisionName: newRevision });
      // The restart itself is not abandoned halfway; a cancel that came meanwhile stops the deploy here.
      if (run.canceled()) {
        const what = restart.ok ? `restarted ${newRevision}` : `${restart.failure.code}: ${restart.failure.message}`;
        return yield* restoreAfterCancel("restart", `${what}; then canceled by request`);
      }
      if (!restart.ok) {
        progress.finish("restart", "failed", `${restart.failure.code}: ${restart.failure.message}`);
        continue;
      }
      progress.finish("restart", "succeeded", `restarted ${newRevision}`);
      progress.phase("Verifying");
      progress.start("verify-after-restart");
      verdict = yield* verifyNew("verify-after-restart", "verify-restart", run.now().toISOString());
      if (verdict.canceled) return yield* restoreAfterCancel("verify-after-restart");
      if (verdict.passed) return passed(run, rollout, "the new revision passed verification after a restart", "verify-after-restart");
      progress.finish("verify-after-restart", "failed", verdict.reason);
      continue;
    }

    // Only a revision judged bad condemns its digest; one that could not be read was never judged,
    // and the digest the app was serving when this deploy began is its last known good, never condemned.
    const serving = rollout.digest === snapshot.currentDigest;
    const judged = verdict.failure === undefined && !serving;
    if (judged) quarantine(run, rollout.digest, verdict.reason);
    else if (serving) progress.finish("quarantine", "skipped", `${rollout.digest} not quarantined: ${input.target.containerApp} was serving it when this deploy began`);
    else progress.finish("quarantine", "skipped", `${rollout.digest} not quarantined: ${newRevision} could not be judged`);
    const error = verdict.failure !== undefined ? { error: verdict.failure } : {};
    if (decision.step === "give-up") {
      return progress.result("Failed", `${verdict.reason}; ${decision.reason}`, { ...error, ...(judged ? { quarantinedDigest: rollout.digest } : {}) });
    }
    return yield* rollBack(run, rollout, `${verdict.reason}; ${decision.reason}`, { outcome: "RolledBack", quarantined: judged, ...error });
  }
}

/**
 * Azure accepted the PATCH but could not provision it (an image it could not pull): no revision was
 * created and the old one still serves, so there is nothing to restart, roll back or quarantine.
 * The deploy ends Failed, saying which image and registry, with ARM's code.
 */
function writeFailed(run: DeployRun, rollout: Rollout, failure: ActivityFailure): DeployOutput {
  const pull = parseImagePullFailure(failure.message);
  const what = pull !== undefined ? describeImagePullFailure(pull) : `Azure could not provision ${rollout.newRevision}`;
  const serving = rollout.snapshot.currentRevision ?? "the previous revision";
  run.progress.finish("verify", "failed", `${failure.code}: ${what}`);
  return run.progress.result("Failed", `${what}: ${failure.code}; no revision was created and ${serving} still serves, so nothing was restarted or rolled back`, { error: failure });
}

/** Whether an answer to the target entity's "get" is its record: not a failure, nor another task's value a replay out of step handed it. */
function isTargetRecord(answer: unknown): answer is TargetRecord {
  return typeof answer === "object" && answer !== null && "queue" in answer;
}

/**
 * Verifies the new revision. When the app's traffic rules give it nothing (Multiple mode, traffic
 * pinned to a named revision), it is first verified ready without traffic, then the traffic is
 * moved to it (as a rollback moves it back) and verified again, so a verified deploy always ends
 * with the new revision carrying its traffic.
 */
function* verifyNewRevision(run: DeployRun, rollout: Rollout, traffic: RolloutTraffic, step: string, instanceSuffix: string, warmupFrom?: string): Flow<VerifyResult> {
  const { snapshot, newRevision } = rollout;
  const target = (expectedTraffic: number | undefined): VerifyTarget => ({
    revisionName: newRevision,
    expectedTraffic,
    mustBeLatest: true,
    ...(warmupFrom !== undefined ? { warmupFrom } : {}),
    ...(rollout.writeOperation !== undefined ? { writeOperation: rollout.writeOperation } : {}),
  });
  // The first look at a revision just created: it is provisioning, so the wait starts with a sleep, not a
  // read, and schedules with what this app's past revisions took (learned floors), then teaches it.
  const fresh = warmupFrom === undefined && rollout.writtenAt !== undefined ? rollout.writtenAt : undefined;
  let learned: LearnedFloors | undefined;
  // Only a deploy started with stage-aware verify settings reads the app's record here (the floors only
  // shape a stage-aware schedule). A deploy started before that keeps its stored input (verifyPoll without
  // `stages`, as zod filled it then) and its history has the verify sub-orchestration in this slot: a read
  // here on its replay would get that sub-orchestration's completion and go out of step with the history.
  if (fresh !== undefined && run.input.settings.verifyPoll.stages !== undefined) {
    const record: unknown = yield* callTargetEntity(run.context, run.entity, "get", undefined);
    // Anything but the record (a failure, or a replayed answer that was not this read's) teaches nothing.
    learned = isTargetRecord(record) ? learnedFloors(record.verifyTimings) : undefined;
  }
  const first = (expectedTraffic: number | undefined): VerifyTarget => ({
    ...target(expectedTraffic),
    ...(fresh !== undefined ? { writtenAt: fresh } : {}),
    ...(learned !== undefined ? { learned } : {}),
  });
  const learnFrom = (result: VerifyResult): VerifyResult => {
    if (result.timing !== undefined) run.signalTarget("recordVerifyTiming", result.timing);
    return result;
  };
  if (!traffic.move) return learnFrom(yield* verifyRevision(run, snapshot, step, instanceSuffix, first(traffic.expected), true));

  const ready = learnFrom(yield* verifyRevision(run, snapshot, step, instanceSuffix, first(undefined), true));
  if (!ready.passed) return ready;
  const moved = yield* writeWhenIdle(run, ACTIVITIES.moveTraffic, {
    target: run.input.target,
    toRevision: newRevision,
    ...(snapshot.currentRevision !== undefined ? { fromRevision: snapshot.currentRevision } : {}),
  }, true);
  if ("canceled" in moved) return { passed: false, reason: "canceled by request", canceled: true };
  if (!moved.ok) return { passed: false, reason: `moving the traffic to ${newRevision} failed: ${moved.failure.code}: ${moved.failure.message}` };
  return yield* verifyRevision(run, snapshot, step, `${instanceSuffix}-traffic`, target(traffic.expected), true);
}
