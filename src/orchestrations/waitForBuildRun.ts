/**
 * Sub-orchestration: waits for an ACR run to reach a terminal status. It polls with a growing
 * interval and starts a fresh execution (`continueAsNew`) after a bounded number of polls, so a long
 * build neither grows the parent's history nor its own without bound.
 */
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITIES, TERMINAL_RUN_STATUSES } from "../activities/contracts.js";
import { pollDelaySeconds, shouldContinueAsNew } from "../policies/pollSchedule.js";
import { activityRetryOptions } from "./activityRetry.js";
import { callActivity, sleep, type Flow } from "./calls.js";
import type { WaitForBuildRunInput, WaitForBuildRunOutput } from "./contracts.js";
import { ORCHESTRATIONS } from "./names.js";

/** True when a run status is final. */
export function isTerminalRunStatus(status: string): boolean {
  return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);
}

/** The orchestrator function. */
export function* waitForBuildRunOrchestrator(context: OrchestrationContext): Flow<WaitForBuildRunOutput | undefined> {
  const input = context.df.getInput<WaitForBuildRunInput>();
  const retry = activityRetryOptions(input.retry);
  const deadline = Date.parse(input.deadline);
  let attempt = input.attempt;
  for (let polls = 1; ; polls++) {
    const read = yield* callActivity(context, ACTIVITIES.getBuildRun, retry, { registry: input.registry, runId: input.runId });
    if (!read.ok) return { ok: false, failure: read.failure };
    if (isTerminalRunStatus(read.run.status)) return { ok: true, run: read.run, timedOut: false };

    const now = context.df.currentUtcDateTime.getTime();
    if (now >= deadline) return { ok: true, run: read.run, timedOut: true };
    const delay = pollDelaySeconds(input.poll, attempt, (deadline - now) / 1000);
    attempt += 1;
    yield* sleep(context, new Date(now + delay * 1000));
    // After the timer, so the next execution's first poll is a full interval after this one.
    if (shouldContinueAsNew(polls, input.maxPollsPerExecution)) {
      context.df.continueAsNew({ ...input, attempt });
      return undefined;
    }
  }
}

df.app.orchestration(ORCHESTRATIONS.waitForBuildRun, waitForBuildRunOrchestrator);
