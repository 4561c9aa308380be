/**
 * Parts of a target that are accepted but do nothing yet. Notifications (Teams, Slack, webhooks) and
 * auto-rollout (deploying on a registry push) are part of the targets format so documents written
 * today keep working when they land; until then health lists each use, so nobody believes they are on.
 */
import type { ConfigurationIssue } from "../domain/errors.js";
import type { TargetDefinition } from "../domain/target.js";

/** One warning per target that declares notifications or an enabled auto-rollout, pointing at it. */
export function unsupportedFeatureWarnings(targets: readonly TargetDefinition[]): ConfigurationIssue[] {
  const warnings: ConfigurationIssue[] = [];
  targets.forEach((target, index) => {
    const { teams, slack, webhook } = target.notifications;
    const channels = [teams.length > 0 ? "Teams" : "", slack.length > 0 ? "Slack" : "", webhook.length > 0 ? "webhook" : ""].filter((c) => c !== "");
    if (channels.length > 0) {
      warnings.push({
        path: `/targets/${index}/notifications`,
        message: `is not supported yet: target ${JSON.stringify(target.name)} declares ${channels.join(", ")} notifications, but no notification is sent`,
      });
    }
    if (target.autoRollout?.enabled) {
      warnings.push({
        path: `/targets/${index}/autoRollout`,
        message: `is not supported yet: no registry push deploys target ${JSON.stringify(target.name)} (there is no ACR webhook or Event Grid trigger yet); start deploys with POST /api/deployments`,
      });
    }
  });
  return warnings;
}
