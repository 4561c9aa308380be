/**
 * Sub-orchestration: waits for an ACR run to reach a terminal status. It polls with a growing
 * interval and starts a fresh execution (`continueAsNew`) after a bounded number of polls, so a long
 * build neither grows the parent's history nor its own without bound.
 *
 * Each wait between polls also listens for the push signal (`BUILD_PUSH_EVENT`): the registry
 * reporting a push of the deploy's own `deploy-<id>` tag. The signal is only a hint (anyone who can
 * reach the webhook could send one), so it never ends the wait by itself: it makes the wait read the
 * run through ARM at once, and while ACR has not yet marked the run final (it pushes from inside the
 * run) re-read after 1, 2, 4, ... seconds. Without a signal the poll schedule is unchanged.
 */
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITIES, TERMINAL_RUN_STATUSES } from "../activities/contracts.js";
import { confirmDelaySeconds, pollDelaySeconds, shouldContinueAsNew } from "../policies/pollSchedule.js";
import { activityRetryOptions } from "./activityRetry.js";
import { awaitCall, callActivity, firstOf, sleep, type Flow, type PendingCall } from "./calls.js";
import type { BuildPushSignalPayload, WaitForBuildRunInput, WaitForBuildRunOutput } from "./contracts.js";
import { BUILD_PUSH_EVENT, ORCHESTRATIONS } from "./names.js";

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
  let pushSignal = input.pushSignal;
  let confirmAttempt = input.confirmAttempt ?? 0;
  // One event task per execution, raced again at every wait until it fires: a signal that arrives
  // while a read is in flight completes it, and the next wait then does not sleep at all.
  const pushed: PendingCall<BuildPushSignalPayload> = { task: context.df.waitForExternalEvent(BUILD_PUSH_EVENT), what: "the push signal" };
  for (let polls = 1; ; polls++) {
    const read = yield* callActivity(context, ACTIVITIES.getBuildRun, retry, { registry: input.registry, runId: input.runId });
    if (!read.ok) return { ok: false, failure: read.failure };
    if (isTerminalRunStatus(read.run.status)) return { ok: true, run: read.run, timedOut: false, ...(pushSignal ? { pushSignal } : {}) };

    const now = context.df.currentUtcDateTime.getTime();
    if (now >= deadline) return { ok: true, run: read.run, timedOut: true, ...(pushSignal ? { pushSignal } : {}) };
    const normal = pollDelaySeconds(input.poll, attempt, (deadline - now) / 1000);
    attempt += 1;
    if (pushSignal === undefined) {
      // A compound task over a completed child never resolves (see calls.ts), so a signal that
      // has already arrived is taken without a race, and the run is read again at once.
      const arrived = pushed.task.isCompleted ? true : yield* waitOrSignal(context, pushed, new Date(now + normal * 1000));
      if (arrived) {
        pushSignal = signalOf(yield* awaitCall(pushed), now);
      }
    } else {
      yield* sleep(context, new Date(now + confirmDelaySeconds(confirmAttempt, normal) * 1000));
      confirmAttempt += 1;
    }
    // After the wait, so the next execution's first poll is a full interval after this one.
    if (shouldContinueAsNew(polls, input.maxPollsPerExecution)) {
      context.df.continueAsNew({ ...input, attempt, ...(pushSignal ? { pushSignal, confirmAttempt } : {}) });
      return undefined;
    }
  }
}

/** Waits until `fireAt` or the push signal, whichever comes first; true when the signal came (the timer is then canceled). */
function* waitOrSignal(context: OrchestrationContext, pushed: PendingCall<BuildPushSignalPayload>, fireAt: Date): Flow<boolean> {
  const timer = context.df.createTimer(fireAt);
  const winner = yield* firstOf(context, [timer, pushed.task]);
  if (winner === timer) return false;
  timer.cancel();
  return true;
}

/**
 * The signal as recorded. Anyone may raise the event, so its payload is checked rather than trusted;
 * a malformed one is still a reason to read the run now, and is recorded as empty.
 */
function signalOf(payload: unknown, now: number): BuildPushSignalPayload {
  const fields: Record<string, unknown> = typeof payload === "object" && payload !== null ? Object.fromEntries(Object.entries(payload)) : {};
  const field = (name: keyof BuildPushSignalPayload): string => {
    const value = fields[name];
    return typeof value === "string" ? value.slice(0, 512) : "";
  };
  return { digest: field("digest"), tag: field("tag"), repository: field("repository"), host: field("host"), raisedAt: field("raisedAt") || new Date(now).toISOString() };
}

df.app.orchestration(ORCHESTRATIONS.waitForBuildRun, waitForBuildRunOrchestrator);
