/**
 * Quarantined digests per app: a digest whose revision failed verification is recorded so later
 * auto-rollouts skip it until someone lifts it. Pure list operations, applied by the entity.
 */

/** One quarantined digest. */
export interface QuarantineEntry {
  digest: string;
  /** The deploy that found it bad. */
  deploymentId: string;
  reason: string;
  /** ISO time it was quarantined. */
  at: string;
}

/** Adds or refreshes an entry; the list stays unique by digest, newest last. */
export function addToQuarantine(list: readonly QuarantineEntry[], entry: QuarantineEntry): QuarantineEntry[] {
  return [...list.filter((e) => e.digest !== entry.digest), entry];
}

/** Removes a digest; returns whether it was there. */
export function liftQuarantine(list: readonly QuarantineEntry[], digest: string): { list: QuarantineEntry[]; lifted: boolean } {
  const remaining = list.filter((e) => e.digest !== digest);
  return { list: remaining, lifted: remaining.length !== list.length };
}

/** Whether a digest is quarantined. */
export function isQuarantined(list: readonly QuarantineEntry[], digest: string): boolean {
  return list.some((e) => e.digest === digest);
}
