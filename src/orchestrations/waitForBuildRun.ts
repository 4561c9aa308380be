/**
 * Sub-orchestration: waits for an ACR run to reach a terminal status, and starts a fresh execution
 * (`continueAsNew`) after a bounded number of polls, so a long build neither grows the parent's
 * history nor its own without bound.
 *
 * It learns of the end from the run's log blob, the way `az acr build` does (azure-cli,
 * src/azure-cli/azure/cli/command_modules/acr/_stream_utils.py): ACR marks the blob with the metadata
 * `Complete: <status>` once the run is final. Every `logPoll` interval (3 s by default) the
 * `checkBuildLog` activity reads the blob's properties on the storage data plane, no ARM read. ARM
 * stays the source of truth: the mark makes the wait read the run through ARM at once (and re-read
 * after 1, 2, 4, ... s should ARM not say final yet). Sparse ARM reads (src/policies/buildWatchSchedule.ts)
 * stand in for a log that never gets its mark; a log that cannot be read (no link, refused, faulting)
 * ends the watch and the wait polls ARM on the build profile alone, as it did before the watch.
 *
 * Each wait between polls also listens for the push signal (`BUILD_PUSH_EVENT`): the registry
 * reporting a push of the deploy's own `deploy-<id>` tag. The signal is only a hint (anyone who can
 * reach the webhook could send one), so it never ends the wait by itself: it makes the wait read the
 * run through ARM at once, and while ACR has not yet marked the run final (it pushes from inside the
 * run) re-read after 1, 2, 4, ... seconds. Both hints coexist; whichever comes first is used. A
 * signal can come well before the run is final (a multi-step run pushes before its last step), so the
 * wait keeps checking the log while it confirms, and caps its confirm re-reads by the build profile
 * unless the log is still watched and answering (the log then catches the end).
 */
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITIES, TERMINAL_RUN_STATUSES, type CheckBuildLogOutput } from "../activities/contracts.js";
import type { PollProfile } from "../domain/pollProfile.js";
import { armReadDelaySeconds, MAX_LOG_CHECK_FAULTS } from "../policies/buildWatchSchedule.js";
import { confirmDelaySeconds, pollDelaySeconds, shouldContinueAsNew } from "../policies/pollSchedule.js";
import { activityRetryOptions } from "./activityRetry.js";
import { awaitCall, callActivity, firstOf, sleep, type Failed, type Flow, type PendingCall } from "./calls.js";
import type { BuildLogWatch, BuildPushSignalPayload, WaitForBuildRunInput, WaitForBuildRunOutput } from "./contracts.js";
import { BUILD_PUSH_EVENT } from "./names.js";

/** True when a run status is final. */
export function isTerminalRunStatus(status: string): boolean {
  return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status);
}

/**
 * One attempt per log check, no durable retry: the next check is seconds away anyway, and a retry's
 * timers would cost history. A check that faults counts towards {@link MAX_LOG_CHECK_FAULTS}.
 */
function logCheckRetry(): df.RetryOptions {
  return new df.RetryOptions(1_000, 1);
}

/** The orchestrator function. */
export function* waitForBuildRunOrchestrator(context: OrchestrationContext): Flow<WaitForBuildRunOutput | undefined> {
  const input = context.df.getInput<WaitForBuildRunInput>();
  const retry = activityRetryOptions(input.retry);
  const deadline = Date.parse(input.deadline);
  const ref = { registry: input.registry, runId: input.runId };
  let attempt = input.attempt;
  let pushSignal = input.pushSignal;
  let confirmAttempt = input.confirmAttempt ?? 0;
  const remainingAt = (now: number): number => (deadline - now) / 1000;
  const started = context.df.currentUtcDateTime.getTime();
  const firstWatch = input.logPoll !== undefined && input.logWatch === undefined;
  // The log check at the start takes the place of the build profile's first ARM read (the run was
  // scheduled a moment ago; the check also tells whether it exists): ARM is first read where the
  // profile puts its second read.
  const watch: BuildLogWatch | undefined = input.logWatch
    ? { ...input.logWatch }
    : firstWatch
      ? { armDueAt: new Date(started + pollDelaySeconds(input.poll, attempt, remainingAt(started)) * 1000).toISOString(), checks: 0, answering: false, faults: 0 }
      : undefined;
  if (firstWatch) attempt += 1;
  // One event task per execution, raced again at every wait until it fires: a signal that arrives
  // while a read is in flight completes it, and the next wait then does not sleep at all.
  const pushed: PendingCall<BuildPushSignalPayload> = { task: context.df.waitForExternalEvent(BUILD_PUSH_EVENT), what: "the push signal" };
  for (let polls = 1; ; polls++) {
    const now = context.df.currentUtcDateTime.getTime();
    const watching = input.logPoll !== undefined && watch !== undefined && watch.stopped === undefined && watch.complete === undefined;
    const confirming = pushSignal !== undefined || watch?.complete !== undefined;
    // The stretched safety net applies only while the log is watched and answering.
    const sparse = watching && watch.answering;
    /** When to act next; undefined: at once (the log has just said the run is final). */
    let wakeAt: number | undefined;
    if (!watching || now >= Date.parse(watch.armDueAt) || now >= deadline) {
      const read = yield* callActivity(context, ACTIVITIES.getBuildRun, retry, ref);
      if (!read.ok) return { ok: false, failure: read.failure };
      const how = { ...(pushSignal ? { pushSignal } : {}), ...(watch?.complete !== undefined ? { logComplete: watch.complete } : {}) };
      if (isTerminalRunStatus(read.run.status)) return { ok: true, run: read.run, timedOut: false, ...how };
      if (now >= deadline) return { ok: true, run: read.run, timedOut: true, ...how };
      const normal = armReadDelaySeconds(input.poll, attempt, sparse, remainingAt(now));
      attempt += 1;
      if (watch) watch.armDueAt = new Date(now + normal * 1000).toISOString();
      if (confirming) {
        // A hint said the run is over but ARM does not say so yet: it follows within seconds.
        const confirmAt = now + confirmDelaySeconds(confirmAttempt, normal) * 1000;
        confirmAttempt += 1;
        // Still watching the log: the re-read is its next ARM read, and the log checks go on meanwhile.
        if (watching) watch.armDueAt = new Date(confirmAt).toISOString();
        wakeAt = (watching ? nextWake(now, watch, input.logPoll, remainingAt(now)) : undefined) ?? confirmAt;
      } else {
        wakeAt = nextWake(now, watch, input.logPoll, remainingAt(now)) ?? now + normal * 1000;
      }
    } else {
      const check = yield* callActivity(context, ACTIVITIES.checkBuildLog, logCheckRetry(), ref);
      observe(watch, check, now, input.poll, attempt, confirming, remainingAt(now));
      // The mark is a fresh hint: its confirm re-reads start again at 1 s.
      if (watch.complete !== undefined) confirmAttempt = 0;
      if (watch.complete === undefined) wakeAt = nextWake(now, watch, input.logPoll, remainingAt(now)) ?? Date.parse(watch.armDueAt);
    }

    if (wakeAt !== undefined) {
      if (pushSignal === undefined) {
        // A compound task over a completed child never resolves (see calls.ts), so a signal that
        // has already arrived is taken without a race, and the run is read again at once.
        const arrived = pushed.task.isCompleted ? true : yield* waitOrSignal(context, pushed, new Date(wakeAt));
        if (arrived) {
          pushSignal = signalOf(yield* awaitCall(pushed), now);
          // The log stays watched, but the signal's ARM read is due at once.
          if (watch) watch.armDueAt = context.df.currentUtcDateTime.toISOString();
        }
      } else {
        yield* sleep(context, new Date(wakeAt));
      }
    }
    // After the wait, so the next execution's first poll is a full interval after this one.
    if (shouldContinueAsNew(polls, input.maxPollsPerExecution)) {
      const confirmingNow = pushSignal !== undefined || watch?.complete !== undefined;
      context.df.continueAsNew({ ...input, attempt, ...(pushSignal ? { pushSignal } : {}), ...(confirmingNow ? { confirmAttempt } : {}), ...(watch ? { logWatch: watch } : {}) });
      return undefined;
    }
  }
}

/** While the log is watched: the next log check, or the ARM read due before it. Undefined when not watching. */
function nextWake(now: number, watch: BuildLogWatch | undefined, logPoll: PollProfile | undefined, remainingSeconds: number): number | undefined {
  if (!watch || !logPoll || watch.stopped !== undefined || watch.complete !== undefined) return undefined;
  return Math.min(Date.parse(watch.armDueAt), now + pollDelaySeconds(logPoll, watch.checks, remainingSeconds) * 1000);
}

/**
 * Takes in one log check: the mark, the log answering (ARM reads become sparse), or why to stop watching
 * (ARM reads return to the build profile). While `confirming` a push signal the next ARM read is the
 * confirm re-read, which the log answering does not put off.
 */
function observe(watch: BuildLogWatch, check: CheckBuildLogOutput | Failed, now: number, buildPoll: PollProfile, attempt: number, confirming: boolean, remainingSeconds: number): void {
  watch.checks += 1;
  const stop = (reason: string): void => {
    watch.stopped = reason.slice(0, 512);
    watch.answering = false;
    const due = now + pollDelaySeconds(buildPoll, attempt, remainingSeconds) * 1000;
    watch.armDueAt = new Date(Math.min(Date.parse(watch.armDueAt), due)).toISOString();
  };
  if ("ok" in check) {
    watch.faults += 1;
    if (watch.faults >= MAX_LOG_CHECK_FAULTS) stop(`the log check kept failing: ${check.failure.code}`);
    return;
  }
  watch.faults = 0;
  if (check.state === "complete") {
    watch.complete = check.status;
  } else if (check.state === "unavailable") {
    stop(check.reason);
  } else if (check.state === "running" && !watch.answering) {
    watch.answering = true;
    if (confirming) return;
    // The safety net starts at its first step: the ARM read the first log check stood in for counts as made.
    const due = now + armReadDelaySeconds(buildPoll, Math.max(0, attempt - 1), true, remainingSeconds) * 1000;
    watch.armDueAt = new Date(Math.max(Date.parse(watch.armDueAt), due)).toISOString();
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
