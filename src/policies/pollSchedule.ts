/**
 * Poll spacing for durable waits (an ACR run, the Container App PATCH, a revision coming up).
 * Every poll in an orchestrator costs history: a timer (TimerCreated + TimerFired) and a status
 * activity (TaskScheduled + TaskCompleted), so the spacing is exponential with a cap rather than
 * fixed, and each profile's cap is chosen so that a 30-minute build plus a 5-minute deploy stays
 * within about 150 history events. Pure: no clock, the caller passes the attempt index or the
 * elapsed seconds (from `context.df.currentUtcDateTime`). The profiles themselves are domain values
 * (src/domain/pollProfile.ts): a deploy's input carries them.
 */
import { MAX_POLLS_PER_EXECUTION, type PollProfile } from "../domain/pollProfile.js";

/** History events of one poll as the brief counts them: timer (2) + status activity (2). */
export const HISTORY_EVENTS_PER_POLL = 4;
/**
 * History events of one poll counting the replay episodes too: each wake-up (timer fired, activity
 * completed) adds OrchestratorStarted + OrchestratorCompleted, so a poll really costs 8.
 */
export const HISTORY_EVENTS_PER_POLL_WITH_EPISODES = 8;
/** History events of a one-shot activity call (TaskScheduled + TaskCompleted). */
export const HISTORY_EVENTS_PER_ACTIVITY = 2;
/** Throws a RangeError when a profile cannot produce a sane schedule. */
export function assertPollProfile(profile: PollProfile): void {
  const { initialSeconds, factor, maxSeconds } = profile;
  if (!Number.isFinite(initialSeconds) || initialSeconds < 1) throw new RangeError(`poll initialSeconds must be at least 1 (got ${initialSeconds})`);
  if (!Number.isFinite(factor) || factor < 1) throw new RangeError(`poll factor must be at least 1 (got ${factor})`);
  if (!Number.isFinite(maxSeconds) || maxSeconds < initialSeconds) {
    throw new RangeError(`poll maxSeconds must be at least initialSeconds (got ${maxSeconds} < ${initialSeconds})`);
  }
}

/**
 * Seconds to wait before poll number `attempt` (0-based). With `remainingSeconds` (time left until a
 * deadline) the delay is clipped so the last poll lands on the deadline instead of after it; it is
 * never below 1 second, so a durable timer always moves time forward.
 */
export function pollDelaySeconds(profile: PollProfile, attempt: number, remainingSeconds?: number): number {
  assertPollProfile(profile);
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`poll attempt must be a non-negative integer (got ${attempt})`);
  const grown = profile.initialSeconds * profile.factor ** attempt;
  let delay = Math.min(profile.maxSeconds, Math.ceil(grown));
  if (remainingSeconds !== undefined) delay = Math.min(delay, Math.max(1, Math.ceil(remainingSeconds)));
  return delay;
}

/** How many polls of `profile` fit in `elapsedSeconds`: the attempt index to use next (resumes a schedule after continueAsNew). */
export function pollAttemptAfter(profile: PollProfile, elapsedSeconds: number): number {
  assertPollProfile(profile);
  let attempt = 0;
  let total = 0;
  for (;;) {
    const delay = pollDelaySeconds(profile, attempt);
    if (total + delay > elapsedSeconds) return attempt;
    total += delay;
    attempt += 1;
  }
}

/** The delays of a wait that ends after `waitSeconds`: polls until their cumulative delay reaches it. */
export function pollDelaysForWait(profile: PollProfile, waitSeconds: number): number[] {
  assertPollProfile(profile);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new RangeError(`wait must be a non-negative number of seconds (got ${waitSeconds})`);
  const delays: number[] = [];
  let total = 0;
  while (total < waitSeconds) {
    const delay = pollDelaySeconds(profile, delays.length);
    delays.push(delay);
    total += delay;
  }
  return delays;
}

/** Number of polls a wait of `waitSeconds` costs (the first poll whose cumulative delay reaches it sees the result). */
export function pollsForWait(profile: PollProfile, waitSeconds: number): number {
  return pollDelaysForWait(profile, waitSeconds).length;
}

/** History events a wait of `waitSeconds` adds to an orchestration. */
export function historyEventsForWait(profile: PollProfile, waitSeconds: number, eventsPerPoll: number = HISTORY_EVENTS_PER_POLL): number {
  return pollsForWait(profile, waitSeconds) * eventsPerPoll;
}

/** One wait of a deploy, for {@link estimateHistoryEvents}. */
export interface PlannedWait {
  profile: PollProfile;
  seconds: number;
}

/** What an orchestration does, for estimating its history length. */
export interface HistoryPlan {
  waits: PlannedWait[];
  /** One-shot activity calls outside the waits (schedule run, resolve digest, PATCH, report...). */
  activities: number;
  eventsPerPoll?: number;
  eventsPerActivity?: number;
}

/** Estimated history events of one execution: ExecutionStarted/Completed + activities + polls. */
export function estimateHistoryEvents(plan: HistoryPlan): number {
  const perPoll = plan.eventsPerPoll ?? HISTORY_EVENTS_PER_POLL;
  const perActivity = plan.eventsPerActivity ?? HISTORY_EVENTS_PER_ACTIVITY;
  const waits = plan.waits.reduce((sum, wait) => sum + historyEventsForWait(wait.profile, wait.seconds, perPoll), 0);
  return 2 + plan.activities * perActivity + waits;
}

/** True once an execution has polled `pollsThisExecution` times and should continue as new to keep its history short. */
export function shouldContinueAsNew(pollsThisExecution: number, maxPolls: number = MAX_POLLS_PER_EXECUTION): boolean {
  return pollsThisExecution >= maxPolls;
}
