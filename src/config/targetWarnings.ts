/**
 * Parts of a target that are accepted but do nothing yet. Auto-rollout (deploying on a registry push)
 * is part of the targets format so documents written today keep working when it lands; until then
 * health lists each use, so nobody believes it is on. (Notifications used to be listed too: they work.)
 */
import type { ConfigurationIssue } from "../domain/errors.js";
import type { TargetDefinition } from "../domain/target.js";

/** One warning per target that declares an enabled auto-rollout, pointing at it. */
export function unsupportedFeatureWarnings(targets: readonly TargetDefinition[]): ConfigurationIssue[] {
  const warnings: ConfigurationIssue[] = [];
  targets.forEach((target, index) => {
    if (target.autoRollout?.enabled) {
      warnings.push({
        path: `/targets/${index}/autoRollout`,
        message: `is not supported yet: no registry push deploys target ${JSON.stringify(target.name)} (there is no ACR webhook or Event Grid trigger yet); start deploys with POST /api/deployments`,
      });
    }
  });
  return warnings;
}
