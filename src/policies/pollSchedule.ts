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

/** Throws a RangeError when a profile cannot produce a sane schedule. */
function assertPollProfile(profile: PollProfile): void {
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

/** True once an execution has polled `pollsThisExecution` times and should continue as new to keep its history short. */
export function shouldContinueAsNew(pollsThisExecution: number, maxPolls: number = MAX_POLLS_PER_EXECUTION): boolean {
  return pollsThisExecution >= maxPolls;
}

/**
 * Seconds to wait before the `confirmAttempt`-th (0-based) re-read of a build run after its push was
 * signalled but the run was not final yet. ACR pushes inside the run, so the run's own status follows
 * within seconds: re-read after 1, 2, 4, ... seconds, never later than the normal schedule would.
 */
export function confirmDelaySeconds(confirmAttempt: number, normalDelaySeconds: number): number {
  if (!Number.isInteger(confirmAttempt) || confirmAttempt < 0) throw new RangeError(`confirm attempt must be a non-negative integer (got ${confirmAttempt})`);
  return Math.max(1, Math.min(normalDelaySeconds, 2 ** confirmAttempt));
}
