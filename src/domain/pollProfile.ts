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
/**
 * Stage-aware spacing of a revision's verification (src/policies/verifyPollSchedule.ts): the wait
 * reads which stage the revision is in and polls no later than the earliest moment it could be
 * ready, then densely. The floors are the assumed minimum durations of the stages still ahead.
 */
export interface VerifyStageSpacing {
  /** Spacing once the revision could be ready any moment (the detection lag bound), and for a missing revision. */
  denseSeconds: number;
  /** Least time replicas take to start once provisioned (scheduling, image pull, container start). */
  activationFloorSeconds: number;
  /** Least time health probes take to pass once replicas run (0: a revision without probes is ready when it runs). */
  settlingFloorSeconds: number;
  /** After this long in one stage the spacing grows by `factor` up to `maxSeconds`, toward the deadline. */
  denseForSeconds: number;
  /** While the revision looks ready but the app has not confirmed it, re-read the app at most this often. */
  appRecheckSeconds: number;
}

/** A verification's poll profile: the backoff shape, with stage-aware spacing when `stages` is set (else plain backoff). */
export interface VerifyPollProfile extends PollProfile {
  stages?: VerifyStageSpacing;
}

/**
 * The default stage-aware spacing. 4 s dense: detection lag stays under 4 s. Activation floor 8 s:
 * Azure schedules a replica, pulls the image and starts its containers after provisioning ends, which
 * takes several seconds even for a cached image, so a provisioning revision is polled every 4 + 8 =
 * 12 s and still seen starting before it can be ready. Settling floor 0: a revision without health
 * probes is ready as soon as a replica runs. 15 s app re-check: how late a revision without probes is
 * seen ready if Azure names it latest ready after it reports Running.
 */
export const VERIFY_STAGE_SPACING: Readonly<VerifyStageSpacing> = Object.freeze({
  denseSeconds: 4,
  activationFloorSeconds: 8,
  settlingFloorSeconds: 0,
  denseForSeconds: 180,
  appRecheckSeconds: 15,
});

/**
 * Revision verification: sparse while the revision provisions (ready is still at least activation +
 * settling away), every 4 s once it could be ready, backing off to 30 s after 3 minutes in one stage.
 */
export const VERIFY_POLL_PROFILE: Readonly<VerifyPollProfile> = Object.freeze({
  initialSeconds: 5,
  factor: 2,
  maxSeconds: 30,
  stages: VERIFY_STAGE_SPACING,
});
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
