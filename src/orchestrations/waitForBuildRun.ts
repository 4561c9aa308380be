/**
 * Sub-orchestration: waits for an ACR run to reach a terminal status. It polls with a growing
 * interval and starts a fresh execution (`continueAsNew`) after a bounded number of polls, so a long
 * build neither grows the parent's history nor its own without bound.
 */
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITIES, TERMINAL_RUN_STATUSES, type ActivityFailure, type BuildRunState, type GetBuildRunOutput, type RegistryRef } from "../activities/contracts.js";
import type { ActivityRetrySettings } from "../domain/deployment.js";
import { pollDelaySeconds, shouldContinueAsNew, type PollProfile } from "../policies/pollSchedule.js";
import { activityRetryOptions } from "./activityRetry.js";
import { ORCHESTRATIONS } from "./names.js";

/** Input (and `continueAsNew` state) of the build wait. */
export interface WaitForBuildRunInput {
  registry: RegistryRef;
  runId: string;
  poll: PollProfile;
  maxPollsPerExecution: number;
  /** ISO time after which the wait gives up (the run's own timeout plus slack). */
  deadline: string;
  /** Polls made by earlier executions, so the interval keeps growing across `continueAsNew`. */
  attempt: number;
  retry: ActivityRetrySettings;
}

/** The run's final state, or why it could not be read. */
export type WaitForBuildRunOutput = { ok: true; run: BuildRunState; timedOut: boolean } | { ok: false; failure: ActivityFailure };

/** True when a run status is final. */
export function isTerminalRunStatus(status: string): boolean {
  return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);
}

/** The orchestrator function. */
export function* waitForBuildRunOrchestrator(context: OrchestrationContext): Generator<df.Task, WaitForBuildRunOutput | undefined, unknown> {
  const input = context.df.getInput<WaitForBuildRunInput>();
  const retry = activityRetryOptions(input.retry);
  const deadline = Date.parse(input.deadline);
  let attempt = input.attempt;
  for (let polls = 1; ; polls++) {
    const read = (yield context.df.callActivityWithRetry(ACTIVITIES.getBuildRun, retry, { registry: input.registry, runId: input.runId })) as GetBuildRunOutput;
    if (!read.ok) return { ok: false, failure: read.failure };
    if (isTerminalRunStatus(read.run.status)) return { ok: true, run: read.run, timedOut: false };

    const now = context.df.currentUtcDateTime.getTime();
    if (now >= deadline) return { ok: true, run: read.run, timedOut: true };
    if (shouldContinueAsNew(polls, input.maxPollsPerExecution)) {
      context.df.continueAsNew({ ...input, attempt });
      return undefined;
    }
    const delay = pollDelaySeconds(input.poll, attempt, (deadline - now) / 1000);
    attempt += 1;
    yield context.df.createTimer(new Date(now + delay * 1000));
  }
}

df.app.orchestration(ORCHESTRATIONS.waitForBuildRun, waitForBuildRunOrchestrator);
