/**
 * Parts of a target that are accepted but do nothing yet, listed by health so nobody believes they
 * are on. Today there are none: notifications and auto-rollout, once listed here, both work. The
 * function stays as the place a future accepted-but-inert field is reported from.
 */
import type { ConfigurationIssue } from "../domain/errors.js";
import type { TargetDefinition } from "../domain/target.js";

/** One warning per target field that is accepted but inert (none today). */
export function unsupportedFeatureWarnings(_targets: readonly TargetDefinition[]): ConfigurationIssue[] {
  return [];
}
