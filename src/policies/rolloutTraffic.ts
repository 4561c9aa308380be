/**
 * The traffic a new revision must end a verified deploy with. Single mode: all of it (Azure moves it
 * once the revision is ready). Multiple mode: what the app's traffic rules give the new revision
 * (its `latestRevision` rules, which are how a canary weight is configured), and when those rules
 * give it nothing (e.g. after a rollback pinned the traffic to one named revision) 100%, which the
 * deploy must move there itself once the revision is ready.
 */

/** One ingress traffic rule, as far as this policy reads it. */
export interface TrafficRule {
  revisionName?: string;
  latestRevision?: boolean;
  weight: number;
}

/** What to expect of the new revision's traffic, and whether the deploy must move it there. */
export interface RolloutTraffic {
  /** Percent the new revision must carry; undefined when the app has no ingress (nothing to check). */
  expected: number | undefined;
  /** True when the app's rules give the new revision nothing, so the deploy routes `expected` to it. */
  move: boolean;
}

/** The weight the app's rules give `revisionName` once it is the latest revision: `latestRevision` rules plus rules naming it. */
export function expectedWeight(traffic: readonly TrafficRule[] | undefined, revisionName: string): number | undefined {
  if (traffic === undefined) return undefined;
  const name = revisionName.toLowerCase();
  return traffic.filter((rule) => rule.latestRevision === true || rule.revisionName?.toLowerCase() === name).reduce((sum, rule) => sum + rule.weight, 0);
}

/** The traffic plan for a new revision of an app in `mode` with the given ingress rules (undefined: no ingress). */
export function rolloutTraffic(mode: "Single" | "Multiple", traffic: readonly TrafficRule[] | undefined, newRevision: string): RolloutTraffic {
  if (traffic === undefined) return { expected: undefined, move: false };
  if (mode === "Single") return { expected: 100, move: false };
  const weight = expectedWeight(traffic, newRevision) ?? 0;
  return weight > 0 ? { expected: weight, move: false } : { expected: 100, move: true };
}
