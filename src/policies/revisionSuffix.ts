/**
 * Deterministic revision suffixes. The orchestrator PATCHes the Container App with
 * `template.revisionSuffix` so it knows the new revision's name (`<app>--<suffix>`) before Azure
 * creates it, and a replayed or retried PATCH names the same revision instead of creating another.
 *
 * Limit used: the whole revision name `<app>--<suffix>` is kept within 54 characters. Source: the
 * platform's own validation error `ContainerAppInvalidRevisionName` ("The length of the revision
 * name must not be more than a combined 54 characters with the container app name", quoted in
 * Azure/azure-quickstart-templates#14660) and Azure/azure-dev#2226 ("Max length of ACA resource
 * name + revision suffix is 54 chars"). Older reports of 63/64 (Azure/aca-review-apps#40, #63,
 * Azure/azure-cli#23934) predate that check; counting the `--` as well keeps us valid under
 * either reading. An app name is at most 32 characters, so 20 characters are always available;
 * our suffixes are 16.
 */
import { createHash } from "node:crypto";
import { CONTAINER_APP_NAME_PATTERN } from "../domain/deployment.js";

/** Longest revision name (`<app>--<suffix>`) we produce. */
export const MAX_REVISION_NAME_LENGTH = 54;
/** Revision suffix rules: lowercase alphanumerics and `-`, starting with a letter, ending alphanumeric, no `--`. */
export const REVISION_SUFFIX_PATTERN = /^(?!.*--)[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
/** Characters of hash in a suffix: 12 base32 characters = 60 bits, ample against collisions within one app's revisions. */
export const REVISION_SUFFIX_HASH_LENGTH = 12;

/** Why a revision is created: the deploy itself, or re-creating the previous image as a rollback. */
export type RevisionPurpose = "deploy" | "rollback";

const PURPOSE_PREFIX: Record<RevisionPurpose, string> = { deploy: "dep", rollback: "rbk" };
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

function base32(bytes: Uint8Array, length: number): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
    if (out.length >= length) break;
  }
  return out;
}

/**
 * The revision suffix for a deploy (`dep-<hash>`) or its rollback (`rbk-<hash>`): 16 characters,
 * a hash of purpose, app name and deployment id, so the same inputs always give the same suffix
 * and different deployments or purposes give different ones. Throws on an invalid app name.
 */
export function revisionSuffix(deploymentId: string, appName: string, purpose: RevisionPurpose): string {
  if (!CONTAINER_APP_NAME_PATTERN.test(appName)) throw new RangeError(`${JSON.stringify(appName)} is not a Container App name`);
  if (deploymentId.length === 0) throw new RangeError("deploymentId is empty");
  const prefix = PURPOSE_PREFIX[purpose];
  // Length-prefixed fields so ("a","bc") and ("ab","c") cannot hash alike.
  const digest = createHash("sha256").update(`aca-rollout/revision-suffix/v1\n${purpose}\n${appName.length}:${appName}\n${deploymentId.length}:${deploymentId}`).digest();
  const suffix = `${prefix}-${base32(digest, REVISION_SUFFIX_HASH_LENGTH)}`;
  // The hash alphabet ends in digits 2-7, so the suffix always ends alphanumeric; checked anyway.
  if (!isValidRevisionSuffix(appName, suffix)) throw new Error(`internal: generated revision suffix ${suffix} is invalid for ${appName}`);
  return suffix;
}

/** True when `suffix` follows the suffix rules and `<appName>--<suffix>` fits {@link MAX_REVISION_NAME_LENGTH}. */
export function isValidRevisionSuffix(appName: string, suffix: string): boolean {
  return REVISION_SUFFIX_PATTERN.test(suffix) && appName.length + 2 + suffix.length <= MAX_REVISION_NAME_LENGTH;
}

/** The revision name Azure gives a revision created with `suffix`: `<appName>--<suffix>`. */
export function revisionName(appName: string, suffix: string): string {
  if (!isValidRevisionSuffix(appName, suffix)) throw new RangeError(`${JSON.stringify(suffix)} is not a valid revision suffix for ${JSON.stringify(appName)}`);
  return `${appName}--${suffix}`;
}
