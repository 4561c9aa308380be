/**
 * The ACR webhook's shared secret. ACR signs nothing: the only authentication is a header the
 * webhook is created with (`az acr webhook create --headers`), so it is compared in constant time.
 * Both sides are hashed first so `timingSafeEqual` always compares equal-length buffers: a secret of
 * another length is just a different digest, and its length leaks nothing through timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/** Whether `provided` (the header's value, or null when absent) is the configured secret; false when none is configured. */
export function secretMatches(provided: string | null, expected: string | undefined): boolean {
  if (expected === undefined) return false;
  // Compared even when absent, so a missing header costs the same as a wrong one.
  return timingSafeEqual(digest(provided ?? ""), digest(expected)) && provided !== null;
}
