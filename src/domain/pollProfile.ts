/**
 * The poll profiles a deploy's input carries (with defaults) and the per-execution poll cap. They are
 * domain values: the deployment schema defaults to them, and src/policies/pollSchedule.ts turns them
 * into delays.
 */

/** Exponential backoff: attempt n waits `min(maxSeconds, ceil(initialSeconds * factor^n))`. */
export interface PollProfile {
  initialSeconds: number;
  factor: number;
  maxSeconds: number;
}

/** ACR runs: builds take minutes, so start at 10 s and settle at 2 minutes. */
export const BUILD_POLL_PROFILE: Readonly<PollProfile> = Object.freeze({ initialSeconds: 10, factor: 2, maxSeconds: 120 });
/**
 * The build wait's checks of the run's log blob (storage, not ARM) for ACR's `Complete` mark: every
 * 3 s, so a finished build is noticed within 3 s (p95 about 2.9 s), with 2 s of margin under the 5 s
 * target for the queue and worker latency of a real host. The ARM reads of the run then only
 * confirm the end and stand in for a log that cannot be read (src/policies/buildWatchSchedule.ts).
 */
export const BUILD_LOG_POLL_PROFILE: Readonly<PollProfile> = Object.freeze({ initialSeconds: 3, factor: 1, maxSeconds: 3 });
/** The Container App PATCH (an ARM long-running operation): usually done in well under a minute. */
export const DEPLOY_POLL_PROFILE: Readonly<PollProfile> = Object.freeze({ initialSeconds: 5, factor: 2, maxSeconds: 30 });
/** Revision verification: replicas and health settle in seconds to a few minutes. */
export const VERIFY_POLL_PROFILE: Readonly<PollProfile> = Object.freeze({ initialSeconds: 5, factor: 2, maxSeconds: 30 });
/**
 * A queued deploy's check of the app's holder, in case its wake-up never comes: the holder normally
 * releases within a deploy's length, so start at a minute and settle at ten.
 */
export const QUEUE_POLL_PROFILE: Readonly<PollProfile> = Object.freeze({ initialSeconds: 60, factor: 2, maxSeconds: 600 });

/**
 * Polls one orchestration execution may make before it should `continueAsNew` (or, better, run the
 * wait in a sub-orchestration that continues as new): 16 polls stay under ~130 events even when
 * replay episodes are counted, so replay cost stays flat however long a build runs.
 */
export const MAX_POLLS_PER_EXECUTION = 16;
