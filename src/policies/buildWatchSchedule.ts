/**
 * When the build wait reads the ACR run through ARM while it also watches the run's log blob. The log
 * check (storage data plane, src/activities/checkBuildLog.ts) notices the end within its own interval;
 * ARM stays the source of truth and the safety net for a log that is never marked. So once the log
 * has been seen, ARM reads start where the build profile settles (its cap) and keep growing by its
 * factor up to {@link LOG_WATCH_ARM_MAX_SECONDS}: a log that never gets its mark still has its run's
 * end seen within 10 minutes, and a 90 s build costs no ARM read before its end. While the log has
 * not been seen (not written yet, or unreadable), ARM reads follow the build profile itself. Pure.
 */
import type { PollProfile } from "../domain/pollProfile.js";
import { pollDelaySeconds } from "./pollSchedule.js";

/** Where ARM reads of a watched build settle: every 10 minutes (or the build profile's cap, if larger). */
export const LOG_WATCH_ARM_MAX_SECONDS = 600;

/**
 * Seconds before ARM read number `attempt` (0-based, counted across the whole wait): the build profile
 * while the log is not answering, the stretched profile above once it is. `remainingSeconds` clips to
 * a deadline as {@link pollDelaySeconds} does.
 */
export function armReadDelaySeconds(buildPoll: PollProfile, attempt: number, logAnswering: boolean, remainingSeconds?: number): number {
  if (!logAnswering) return pollDelaySeconds(buildPoll, attempt, remainingSeconds);
  const stretched: PollProfile = { initialSeconds: buildPoll.maxSeconds, factor: buildPoll.factor, maxSeconds: Math.max(buildPoll.maxSeconds, LOG_WATCH_ARM_MAX_SECONDS) };
  return pollDelaySeconds(stretched, attempt, remainingSeconds);
}

/**
 * Log checks in a row that may fault (5xx, network, after the storage SDK's own retries) before the
 * wait stops watching the log and polls ARM alone: a fault may be a missing link whose every refetch
 * is an ARM call, so a broken log must not cost one every few seconds.
 */
export const MAX_LOG_CHECK_FAULTS = 3;
