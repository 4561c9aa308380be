/**
 * Tag policies: which pushed tags a target's auto-rollout deploys, and which of several is newest.
 * Patterns were validated when the targets were loaded (`tagPolicyProblem`: regexes proven free of
 * catastrophic backtracking, semver ranges parsed), so these functions only decide.
 */
import picomatch from "picomatch";
import { compare, parse, satisfies, type SemVer } from "semver";
import { anchoredPattern, type TagPolicy } from "../domain/target.js";

/** Whether a tag qualifies, and why not. */
export type TagVerdict = { qualifies: true } | { qualifies: false; reason: string };

/** The semver version a tag spells (`1.2.3`, `v1.2.3`, `1.2.3-rc.1`), or undefined. */
export function semverOfTag(tag: string): SemVer | undefined {
  return parse(tag) ?? undefined;
}

/**
 * Whether `tag` qualifies under `policy`. For `semver`, pre-release tags qualify only when the range
 * names a pre-release of the same major.minor.patch (the semver package's rule, `includePrerelease` off):
 * `^1.2.0` never takes `1.3.0-rc.1`, `>=1.3.0-rc.0` takes `1.3.0-rc.1`.
 */
export function tagVerdict(policy: TagPolicy, tag: string): TagVerdict {
  const pattern = policy.pattern ?? "";
  switch (policy.kind) {
    case "any":
      return { qualifies: true };
    case "exact":
      return tag === pattern ? { qualifies: true } : { qualifies: false, reason: `tag ${tag} is not the tag ${pattern} the policy follows` };
    case "glob":
      return picomatch.isMatch(tag, pattern, { dot: true }) ? { qualifies: true } : { qualifies: false, reason: `tag ${tag} does not match glob ${pattern}` };
    case "regex":
      return new RegExp(anchoredPattern(pattern), "u").test(tag) ? { qualifies: true } : { qualifies: false, reason: `tag ${tag} does not match regex ${pattern} (anchored)` };
    case "semver": {
      const version = semverOfTag(tag);
      if (!version) return { qualifies: false, reason: `tag ${tag} is not a semver version` };
      if (satisfies(version, pattern)) return { qualifies: true };
      const why = version.prerelease.length > 0 ? " (a pre-release qualifies only when the range names a pre-release of that version)" : "";
      return { qualifies: false, reason: `version ${version.version} is outside range ${pattern}${why}` };
    }
  }
}

/**
 * Why deploying `tag` would be a downgrade under a `semver` policy, or undefined: the target runs an
 * image one of whose tags (`runningTags`) is a higher version. Other policies have no order of versions.
 */
export function downgradeProblem(policy: TagPolicy, tag: string, runningTags: readonly string[]): string | undefined {
  if (policy.kind !== "semver") return undefined;
  const version = semverOfTag(tag);
  if (!version) return undefined;
  const running = highestVersion(runningTags);
  if (running === undefined || compare(version, running.version) >= 0) return undefined;
  return `downgrade: ${tag} is lower than the running ${running.tag}`;
}

function highestVersion(tags: readonly string[]): { tag: string; version: SemVer } | undefined {
  let best: { tag: string; version: SemVer } | undefined;
  for (const tag of tags) {
    const version = semverOfTag(tag);
    if (version && (best === undefined || compare(version, best.version) > 0)) best = { tag, version };
  }
  return best;
}

/** Something to order by newness: its tag, the registry's time for it and, for ties, the arrival order. */
export interface Dated {
  tag: string;
  timestamp: string;
  seq: number;
}

/**
 * Newest first. Under `semver` the highest version is newest (a late-arriving 1.2.9 does not beat
 * 1.3.0); otherwise the latest registry time, then the latest arrival.
 */
export function newestFirst<T extends Dated>(policy: TagPolicy, items: readonly T[]): T[] {
  const byTime = (a: T, b: T): number => Date.parse(b.timestamp) - Date.parse(a.timestamp) || b.seq - a.seq;
  if (policy.kind !== "semver") return [...items].sort(byTime);
  return [...items].sort((a, b) => {
    const va = semverOfTag(a.tag);
    const vb = semverOfTag(b.tag);
    if (va && vb) return compare(vb, va) || byTime(a, b);
    return va ? -1 : vb ? 1 : byTime(a, b);
  });
}
