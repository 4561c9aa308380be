/**
 * Learning a target's revision timings from its own past verifications, so the next verification
 * starts dense polling where this app's revisions can first be ready rather than where any
 * revision could. Each passed verification of a revision it saw provisioning yields two lower
 * bounds (the read times bracket each transition): how long provisioning took at least, and how
 * long from provisioned to ready (replicas starting plus probes) at least. The floors are the
 * minimum of the last few bounds: an early quantile that only a revision faster than every recent
 * one of the same app can undercut, and then by no more than the difference. Pure.
 */

/** One verification's lower bounds, as the target keeps it. */
export interface VerifyTiming {
  /** ISO time of the verification that measured it. */
  at: string;
  /** Provisioning took at least this long (s): from creation to the last read that still saw it provisioning. */
  provisioningSeconds: number;
  /** From provisioned to ready took at least this long (s): from the first read past provisioning to the last read before ready. */
  readySeconds: number;
}

/** The floors a verification schedules with (seconds). */
export interface LearnedFloors {
  provisioningSeconds: number;
  readySeconds: number;
}

/** How many timings a target keeps (newest last). */
export const MAX_VERIFY_TIMINGS = 8;
/** Timings needed before any floor is trusted. */
export const MIN_VERIFY_TIMINGS = 2;
/** No floor above this (s), whatever was measured: a wrong floor costs lag, so it stays bounded. */
export const MAX_LEARNED_FLOOR_SECONDS = 300;

/** The kept timings after adding `timing` (invalid ones are dropped). */
export function addVerifyTiming(timings: readonly VerifyTiming[] | undefined, timing: VerifyTiming): VerifyTiming[] {
  const valid = (t: VerifyTiming): boolean => Number.isFinite(t.provisioningSeconds) && t.provisioningSeconds >= 0 && Number.isFinite(t.readySeconds) && t.readySeconds >= 0;
  return [...(timings ?? []), timing].filter(valid).slice(-MAX_VERIFY_TIMINGS);
}

/** The floors learned from `timings`, or undefined while there are too few. */
export function learnedFloors(timings: readonly VerifyTiming[] | undefined): LearnedFloors | undefined {
  if (timings === undefined || timings.length < MIN_VERIFY_TIMINGS) return undefined;
  const floor = (values: number[]): number => Math.min(MAX_LEARNED_FLOOR_SECONDS, Math.floor(Math.min(...values)));
  return { provisioningSeconds: floor(timings.map((t) => t.provisioningSeconds)), readySeconds: floor(timings.map((t) => t.readySeconds)) };
}

/** The read times of one passed verification that bracket a revision's transitions (ms since the epoch). */
export interface VerifyReadTimes {
  /** When the revision was created (its `createdTime`, or when the write was sent). */
  createdAt: number;
  /** The last read that showed it provisioning; undefined when none did (the first read waited for the learned floor). */
  lastProvisioningAt?: number;
  /** The first read that showed it past provisioning. */
  firstProvisionedAt: number;
  /** The last read before the one that found it ready; undefined when the first read did. */
  lastPendingAt?: number;
  /** The floors this verification scheduled with, if any. */
  floors?: LearnedFloors;
}

/**
 * The lower bounds a passed verification measured, or undefined when it has none to give. The
 * revision was provisioned after the last read that saw it provisioning and by the first that did
 * not; it was ready after the last pending read. When learned floors let the first read wait and
 * that read already found the revision ready, the floors may have made it late: the bounds are 0,
 * so the floors fall back until the app's revisions have been measured again. When the first read
 * found it past provisioning but not ready, nothing contradicts the floors and they stand: they fall
 * when a revision proves faster, and the app is then measured afresh; an app that became slower
 * keeps its floors and pays a few dense reads more.
 */
export function verifyTimingOf(reads: VerifyReadTimes, at: string): VerifyTiming | undefined {
  const { createdAt, lastProvisioningAt, firstProvisionedAt, lastPendingAt, floors } = reads;
  const readySeconds = lastPendingAt === undefined ? 0 : Math.max(0, lastPendingAt - firstProvisionedAt) / 1000;
  if (lastProvisioningAt !== undefined) {
    if (!(createdAt <= lastProvisioningAt && lastProvisioningAt < firstProvisionedAt)) return undefined;
    return { at, provisioningSeconds: (lastProvisioningAt - createdAt) / 1000, readySeconds };
  }
  if (floors === undefined) return undefined;
  if (lastPendingAt === undefined) return { at, provisioningSeconds: 0, readySeconds: 0 };
  // Reads that start late in the revision's life bound it only weakly: nothing here contradicts the floors, so they stand.
  return { at, provisioningSeconds: floors.provisioningSeconds, readySeconds: Math.max(floors.readySeconds, readySeconds) };
}
