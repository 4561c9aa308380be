/**
 * Names, ids and host names the Container Apps provider derives: revision names and suffix rules,
 * ARM resource ids, normalized locations, environment default domains.
 */
import { createHash } from "node:crypto";

/**
 * Longest revision name (`<app>--<suffix>`) accepted. Azure documents only "suffix ≤ 64 characters",
 * but revisions whose full name exceeds 54 characters fail in practice (reported by azure-dev and
 * others), so the sandbox enforces the stricter limit to catch suffixes that would break in production.
 */
export const maxRevisionNameLength = 54;

/** Why a revision suffix is invalid, or undefined when it is valid for this app. */
export function revisionSuffixProblem(appName: string, suffix: string): string | undefined {
  if (!/^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(suffix) || suffix.includes("--")) {
    return "a revision suffix must consist of lower case alphanumeric characters or '-', start with an alphabetic character, end with an alphanumeric character and cannot have '--'";
  }
  const name = revisionName(appName, suffix);
  if (name.length > maxRevisionNameLength) {
    return `the revision name '${name}' is ${name.length} characters long; it must not be more than ${maxRevisionNameLength} characters`;
  }
  return undefined;
}

/** `<app>--<suffix>`, Azure's revision naming. */
export function revisionName(appName: string, suffix: string): string {
  return `${appName}--${suffix}`;
}

/** A 7-character lowercase suffix (letter first) derived from a fresh id, like Azure's generated ones. */
export function generatedSuffix(seed: string): string {
  const digest = createHash("sha256").update(seed).digest();
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  let suffix = alphabet[(digest[0] ?? 0) % 26] ?? "a";
  for (let index = 1; index < 7; index++) suffix += alphabet[(digest[index] ?? 0) % alphabet.length] ?? "a";
  return suffix;
}

/** "East US" → "eastus", the form ARM uses in operation URLs and host names. */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

/** The ARM id of a container app. */
export function containerAppId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.App/containerApps/${name}`;
}

/** The ARM id of a managed environment. */
export function managedEnvironmentId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.App/managedEnvironments/${name}`;
}

/** The environment's default domain, e.g. `sandbox-env-1a2b3c4d.eastus.azurecontainerapps.io`. */
export function environmentDefaultDomain(environmentId: string, location: string): string {
  const environmentName = (environmentId.split("/").pop() ?? "env").toLowerCase();
  const hash = createHash("sha256").update(environmentId.toLowerCase()).digest("hex").slice(0, 8);
  return `${environmentName}-${hash}.${normalizeLocation(location)}.azurecontainerapps.io`;
}

/** Lookup key for an app: ARM names are case-insensitive. */
export function appKey(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${subscriptionId}/${resourceGroup}/${name}`.toLowerCase();
}
