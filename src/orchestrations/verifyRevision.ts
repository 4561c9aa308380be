/**
 * Sub-orchestration: watches one revision until it passes or fails verification (see
 * `judgeRevision`). Polls with backoff and `continueAsNew` after a bounded number of polls.
 */
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITIES } from "../activities/contracts.js";
import { pollDelaySeconds, shouldContinueAsNew } from "../policies/pollSchedule.js";
import { judgeRevision, type RevisionVerdict } from "../policies/revisionVerdict.js";
import { activityRetryOptions } from "./activityRetry.js";
import { callActivity, sleep, type Flow } from "./calls.js";
import type { VerifyRevisionInput, VerifyRevisionOutput } from "./contracts.js";
import { ORCHESTRATIONS } from "./names.js";

/**
 * Reads in a row that must find no revision before it is declared gone. A deploy verifies only a
 * revision it has just created (or one that served before it), which ARM lists once the PATCH is
 * accepted; a few reads confirm a 404 is not a passing glitch.
 */
export const MISSING_READS_TO_FAIL = 3;

/** The orchestrator function. */
export function* verifyRevisionOrchestrator(context: OrchestrationContext): Flow<VerifyRevisionOutput | undefined> {
  const input = context.df.getInput<VerifyRevisionInput>();
  const retry = activityRetryOptions(input.retry);
  const deadline = Date.parse(input.deadline);
  let attempt = input.attempt;
  let missingReads = input.missingReads ?? 0;
  for (let polls = 1; ; polls++) {
    const read = yield* callActivity(context, ACTIVITIES.readRevision, retry, {
      target: input.target,
      revisionName: input.revisionName,
      ...(input.smokePath !== undefined ? { smokePath: input.smokePath } : {}),
    });
    if (!read.ok) return { ok: false, failure: read.failure };

    const now = context.df.currentUtcDateTime;
    const { observation } = read;
    // No revision and a failed app: Azure accepted the write but could not provision it (e.g. an image
    // it could not pull). Only the write's own operation says why; no revision will ever appear.
    if (observation.revision === undefined && observation.app.provisioningState === "Failed" && input.writeOperation !== undefined) {
      const operation = yield* callActivity(context, ACTIVITIES.readWriteOperation, retry, { target: input.target, operation: input.writeOperation });
      if (operation.ok && operation.status === "Failed" && operation.error !== undefined) {
        return { ok: false, writeFailed: true, failure: { code: operation.error.code, message: operation.error.message } };
      }
    }
    missingReads = observation.revision === undefined ? missingReads + 1 : 0;
    if (missingReads >= MISSING_READS_TO_FAIL) {
      return { ok: false, failure: { code: "RevisionNotFound", message: `revision ${input.revisionName} does not exist: ${missingReads} reads in a row found no such revision` } };
    }
    const verdict: RevisionVerdict =
      observation.revision === undefined
        ? now.getTime() >= deadline
          ? { verdict: "failed", reasons: [`revision ${input.revisionName} did not appear before ${input.deadline}`], conditions: ["deadline"] }
          : { verdict: "pending", reasons: [`revision ${input.revisionName} is not found (read ${missingReads} of ${MISSING_READS_TO_FAIL})`], conditions: ["provisioned"] }
        : judgeRevision({
            revision: observation.revision,
            app: observation.app,
            expectedTraffic: input.expectedTraffic,
            minReplicas: input.minReplicas,
            ...(observation.smoke !== undefined ? { smoke: observation.smoke } : {}),
            now: now.toISOString(),
            warmupGraceSeconds: input.warmupGraceSeconds,
            verifyDeadline: input.deadline,
            ...(input.warmupFrom !== undefined ? { warmupFrom: input.warmupFrom } : {}),
            mustBeLatest: input.mustBeLatest,
          });
    if (verdict.verdict !== "pending") return { ok: true, verdict, observation };

    const delay = pollDelaySeconds(input.poll, attempt, (deadline - now.getTime()) / 1000);
    attempt += 1;
    yield* sleep(context, new Date(now.getTime() + delay * 1000));
    // After the timer, so the next execution's first poll is a full interval after this one.
    if (shouldContinueAsNew(polls, input.maxPollsPerExecution)) {
      context.df.continueAsNew({ ...input, attempt, missingReads });
      return undefined;
    }
  }
}

df.app.orchestration(ORCHESTRATIONS.verifyRevision, verifyRevisionOrchestrator);
