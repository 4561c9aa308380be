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

/** The orchestrator function. */
export function* verifyRevisionOrchestrator(context: OrchestrationContext): Flow<VerifyRevisionOutput | undefined> {
  const input = context.df.getInput<VerifyRevisionInput>();
  const retry = activityRetryOptions(input.retry);
  const deadline = Date.parse(input.deadline);
  let attempt = input.attempt;
  for (let polls = 1; ; polls++) {
    const read = yield* callActivity(context, ACTIVITIES.readRevision, retry, {
      target: input.target,
      revisionName: input.revisionName,
      ...(input.smokePath !== undefined ? { smokePath: input.smokePath } : {}),
    });
    if (!read.ok) return { ok: false, failure: read.failure };

    const now = context.df.currentUtcDateTime;
    const { observation } = read;
    const verdict: RevisionVerdict =
      observation.revision === undefined
        ? now.getTime() >= deadline
          ? { verdict: "failed", reasons: [`revision ${input.revisionName} did not appear before ${input.deadline}`], conditions: ["deadline"] }
          : { verdict: "pending", reasons: [`revision ${input.revisionName} does not exist yet`], conditions: ["provisioned"] }
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

    if (shouldContinueAsNew(polls, input.maxPollsPerExecution)) {
      context.df.continueAsNew({ ...input, attempt });
      return undefined;
    }
    const delay = pollDelaySeconds(input.poll, attempt, (deadline - now.getTime()) / 1000);
    attempt += 1;
    yield* sleep(context, new Date(now.getTime() + delay * 1000));
  }
}

df.app.orchestration(ORCHESTRATIONS.verifyRevision, verifyRevisionOrchestrator);
