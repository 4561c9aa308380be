/**
 * Deployment ids. A request with an `Idempotency-Key` gets an id derived from the key alone,
 * so a retried request finds the deploy it already started instead of starting a second one; any
 * other request gets a fresh, time-ordered id. Both match the deploy input's `deploymentId` pattern.
 */
import { createHash, randomBytes } from "node:crypto";

/** The header a client sends to make `POST /api/deployments` safe to retry. */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";

/** 1-128 printable ASCII characters (space included; HTTP already trims the ends). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,128}$/;

const BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

/** Why `key` cannot be an idempotency key, or undefined when it can. */
export function idempotencyKeyProblem(key: string): string | undefined {
  if (key.length === 0) return "must not be empty";
  if (key.length > 128) return "must be at most 128 characters";
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) return "must contain only printable ASCII characters";
  return undefined;
}

/**
 * `dep-` + the first 24 hex digits of sha256(`idempotency-key\n<key>`): a key names one deploy in the
 * whole collection, so the same key with another target finds that deploy and is refused with a 409.
 */
export function idempotentDeploymentId(key: string): string {
  return `dep-${createHash("sha256").update(`idempotency-key\n${key}`, "utf8").digest("hex").slice(0, 24)}`;
}

/** `dep-<yyyymmddhhmmss>-<8 random base32>` (UTC, lowercase): sorts by time, unique in practice (40 random bits). */
export function freshDeploymentId(now: Date = new Date(), random: (size: number) => Buffer = randomBytes): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const bytes = random(8);
  let suffix = "";
  for (let i = 0; i < 8; i++) suffix += BASE32_ALPHABET[bytes[i]! & 31];
  return `dep-${stamp}-${suffix}`;
}
