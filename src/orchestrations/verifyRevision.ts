/**
 * Sub-orchestration: watches one revision until it passes or fails verification (see
 * `judgeRevision`), and `continueAsNew` after a bounded number of polls.
 *
 * One ARM read per poll while the revision is on its way: `readRevision` reads the revision alone
 * (and the app only when the revision is not found). The app is read (`readAppState`) only when the
 * revision alone would pass, to confirm Azure names it latest ready, that nothing superseded it and
 * how traffic is split, or when the revision is inactive; so nothing passes on less evidence than a
 * paired read of both. Spacing is stage-aware (src/policies/verifyPollSchedule.ts): sparse while the
 * revision provisions, dense once it could be ready, backing off after a long stay in one stage.
 */
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITIES, type RevisionObservation } from "../activities/contracts.js";
import { judgeRevision, type AppState, type RevisionState, type RevisionVerdict } from "../policies/revisionVerdict.js";
import { shouldContinueAsNew } from "../policies/pollSchedule.js";
import { verifyTimingOf, type LearnedFloors, type VerifyTiming } from "../policies/learnedVerifyFloors.js";
import { appReadDue, revisionStageOf, revisionStateKey, verifyPollDelaySeconds, type RevisionStage } from "../policies/verifyPollSchedule.js";
import { activityRetryOptions } from "./activityRetry.js";
import { callActivity, sleep, type Flow } from "./calls.js";
import type { VerifyRevisionInput, VerifyRevisionOutput } from "./contracts.js";

/**
 * Reads in a row that must find no revision before it is declared gone. A deploy verifies only a
 * revision it has just created (or one that served before it), which ARM lists once the PATCH is
 * accepted; a few reads confirm a 404 is not a passing glitch.
 */
export const MISSING_READS_TO_FAIL = 3;

/** The app as it must be for the revision to pass: naming it latest and latest ready, in the inspected mode. */
function agreeingApp(revision: RevisionState, revisionsMode: "Single" | "Multiple" | undefined): AppState {
  return { latestReadyRevisionName: revision.name, latestRevisionName: revision.name, ...(revisionsMode !== undefined ? { activeRevisionsMode: revisionsMode } : {}) };
}

/** Whether the smoke request passed, or undefined when none is configured. */
function smokePassed(observation: RevisionObservation): boolean | undefined {
  const { smoke } = observation;
  if (smoke === undefined) return undefined;
  return smoke.status !== undefined && smoke.status >= 200 && smoke.status < 300;
}

/** The timing bounds a passed verification of a fresh revision measured (see `verifyTimingOf`). */
function timingOf(seen: NonNullable<VerifyRevisionInput["seen"]>, createdTime: string, floors: LearnedFloors | undefined, now: Date): VerifyTiming | undefined {
  if (seen.firstProvisionedAt === undefined) return undefined;
  return verifyTimingOf(
    {
      createdAt: Date.parse(createdTime),
      ...(seen.lastProvisioningAt !== undefined ? { lastProvisioningAt: Date.parse(seen.lastProvisioningAt) } : {}),
      firstProvisionedAt: Date.parse(seen.firstProvisionedAt),
      ...(seen.lastPendingAt !== undefined ? { lastPendingAt: Date.parse(seen.lastPendingAt) } : {}),
      ...(floors !== undefined ? { floors } : {}),
    },
    now.toISOString(),
  );
}

/**
 * The earliest moment (ms) the revision can be ready by the learned floors: it is provisioned no
 * sooner than the provisioning floor after creation and after the last read that saw it
 * provisioning (or now, while it still is), and ready no sooner than the ready floor after that.
 */
function earliestReady(learned: LearnedFloors, createdTime: string, seen: NonNullable<VerifyRevisionInput["seen"]>, stage: RevisionStage, now: number): number | undefined {
  if (stage === "absent" || stage === "unhealthy") return undefined;
  let provisioned = Date.parse(createdTime) + learned.provisioningSeconds * 1000;
  if (seen.lastProvisioningAt !== undefined) provisioned = Math.max(provisioned, Date.parse(seen.lastProvisioningAt));
  if (stage === "provisioning") provisioned = Math.max(provisioned, now);
  return provisioned + learned.readySeconds * 1000;
}

/** The orchestrator function. */
export function* verifyRevisionOrchestrator(context: OrchestrationContext): Flow<VerifyRevisionOutput | undefined> {
  const input = context.df.getInput<VerifyRevisionInput>();
  const retry = activityRetryOptions(input.retry);
  const deadline = Date.parse(input.deadline);
  // Inputs from before the revisions mode was passed cannot judge a revision alone: read both, as they did.
  const withApp = input.revisionsMode === undefined;
  let attempt = input.attempt;
  let missingReads = input.missingReads ?? 0;
  let stage = input.stage;
  let lastAppRead = input.lastAppRead;
  const seen = { ...input.seen };
  const { learned } = input;
  if (input.attempt === 0 && input.writtenAt !== undefined && input.poll.stages !== undefined) {
    // Created by the write just sent: it is provisioning (for at least the learned floor), so a read now would only say so.
    stage = { stage: "provisioning", since: input.writtenAt };
    const now = context.df.currentUtcDateTime.getTime();
    const provisioningUntil = Date.parse(input.writtenAt) + (learned?.provisioningSeconds ?? 0) * 1000;
    const spacing = verifyPollDelaySeconds(input.poll, {
      stage: "provisioning",
      stageSeconds: 0,
      attempt: 0,
      ...(learned !== undefined ? { earliestReadySeconds: learned.readySeconds } : {}),
      untilChangeSeconds: (deadline - provisioningUntil) / 1000,
    });
    const firstRead = provisioningUntil + spacing * 1000;
    if (firstRead > now) yield* sleep(context, new Date(firstRead));
  }
  // Activity calls this execution: each costs history (and an episode), whichever read it is. An
  // execution started before (no revisionsMode in its input) counted polls only, and its history
  // continued as new after that many: on replay it counts them the same way.
  let calls = 0;
  const countsEveryCall = !withApp;
  for (;;) {
    calls += 1;
    const read = yield* callActivity(context, ACTIVITIES.readRevision, retry, {
      target: input.target,
      revisionName: input.revisionName,
      ...(input.smokePath !== undefined ? { smokePath: input.smokePath } : {}),
      withApp,
    });
    if (!read.ok) return { ok: false, failure: read.failure };

    const now = context.df.currentUtcDateTime;
    const { observation } = read;
    const { revision } = observation;
    // No revision and a failed app: Azure accepted the write but could not provision it (e.g. an image
    // it could not pull). Only the write's own operation says why; no revision will ever appear.
    if (revision === undefined && observation.app?.provisioningState === "Failed" && input.writeOperation !== undefined) {
      if (countsEveryCall) calls += 1;
      const operation = yield* callActivity(context, ACTIVITIES.readWriteOperation, retry, { target: input.target, operation: input.writeOperation });
      if (operation.ok && operation.status === "Failed" && operation.error !== undefined) {
        return { ok: false, writeFailed: true, failure: { code: operation.error.code, message: operation.error.message } };
      }
    }
    missingReads = revision === undefined ? missingReads + 1 : 0;
    if (missingReads >= MISSING_READS_TO_FAIL) {
      return { ok: false, failure: { code: "RevisionNotFound", message: `revision ${input.revisionName} does not exist: ${missingReads} reads in a row found no such revision` } };
    }
    const judge = (present: RevisionState, app: AppState): RevisionVerdict =>
      judgeRevision({
        revision: present,
        app,
        expectedTraffic: input.expectedTraffic,
        minReplicas: input.minReplicas,
        ...(observation.smoke !== undefined ? { smoke: observation.smoke } : {}),
        now: now.toISOString(),
        warmupGraceSeconds: input.warmupGraceSeconds,
        verifyDeadline: input.deadline,
        ...(input.warmupFrom !== undefined ? { warmupFrom: input.warmupFrom } : {}),
        mustBeLatest: input.mustBeLatest,
      });
    let verdict: RevisionVerdict;
    if (revision === undefined) {
      verdict =
        now.getTime() >= deadline
          ? { verdict: "failed", reasons: [`revision ${input.revisionName} did not appear before ${input.deadline}`], conditions: ["deadline"] }
          : { verdict: "pending", reasons: [`revision ${input.revisionName} is not found (read ${missingReads} of ${MISSING_READS_TO_FAIL})`], conditions: ["provisioned"] };
    } else if (observation.app !== undefined) {
      verdict = judge(revision, observation.app);
    } else {
      // The revision alone, with the app assumed to agree: a pending or failed verdict stands as it is
      // (no app makes a revision that is not ready pass, or a failed one recover); a pass needs the app.
      const alone = judge(revision, agreeingApp(revision, input.revisionsMode));
      const stateKey = revisionStateKey(revision, smokePassed(observation));
      const recheck = input.poll.stages ?? { appRecheckSeconds: 1 };
      const last = lastAppRead !== undefined ? { stateKey: lastAppRead.stateKey, secondsAgo: (now.getTime() - Date.parse(lastAppRead.at)) / 1000 } : undefined;
      if (appReadDue(recheck, alone.verdict === "passed" || (alone.verdict === "pending" && revision.active !== true), stateKey, last)) {
        if (countsEveryCall) calls += 1;
        const app = yield* callActivity(context, ACTIVITIES.readAppState, retry, { target: input.target });
        if (!app.ok) return { ok: false, failure: app.failure };
        observation.app = app.app;
        observation.traffic = app.traffic;
        lastAppRead = { at: now.toISOString(), stateKey };
        verdict = judge(revision, app.app);
      } else if (alone.verdict === "passed") {
        verdict = { verdict: "pending", reasons: [`revision ${revision.name} looks ready; the app is re-read to confirm it`], conditions: ["latest-ready"] };
      } else {
        verdict = alone;
      }
    }
    const current = revisionStageOf(revision);
    if (current === "provisioning") seen.lastProvisioningAt = now.toISOString();
    else if (revision !== undefined && seen.firstProvisionedAt === undefined) seen.firstProvisionedAt = now.toISOString();
    if (verdict.verdict !== "pending") {
      const timing = verdict.verdict === "passed" && input.writtenAt !== undefined ? timingOf(seen, revision?.createdTime ?? input.writtenAt, learned, now) : undefined;
      return { ok: true, verdict, observation, ...(timing !== undefined ? { timing } : {}) };
    }
    seen.lastPendingAt = now.toISOString();

    if (stage?.stage !== current) stage = { stage: current, since: now.toISOString() };
    let untilChangeSeconds = (deadline - now.getTime()) / 1000;
    // Inside the warm-up grace an unhealthy revision fails when the grace ends: read it then, not later.
    const warmupStart = input.warmupFrom ?? revision?.createdTime;
    if (input.poll.stages !== undefined && current === "unhealthy" && warmupStart !== undefined) {
      const graceLeft = (Date.parse(warmupStart) + input.warmupGraceSeconds * 1000 - now.getTime()) / 1000;
      if (graceLeft > 0) untilChangeSeconds = Math.min(untilChangeSeconds, graceLeft);
    }
    const earliestReadyAt = learned !== undefined && input.writtenAt !== undefined ? earliestReady(learned, revision?.createdTime ?? input.writtenAt, seen, current, now.getTime()) : undefined;
    const delay = verifyPollDelaySeconds(input.poll, {
      stage: current,
      stageSeconds: (now.getTime() - Date.parse(stage.since)) / 1000,
      attempt,
      ...(earliestReadyAt !== undefined ? { earliestReadySeconds: (earliestReadyAt - now.getTime()) / 1000 } : {}),
      untilChangeSeconds,
    });
    attempt += 1;
    yield* sleep(context, new Date(now.getTime() + delay * 1000));
    // After the timer, so the next execution's first poll is a full interval after this one.
    if (shouldContinueAsNew(calls, input.maxPollsPerExecution)) {
      context.df.continueAsNew({ ...input, attempt, missingReads, stage, seen, ...(lastAppRead !== undefined ? { lastAppRead } : {}) });
      return undefined;
    }
  }
}
