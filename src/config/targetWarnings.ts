/**
 * Configuration that is valid but will not do what its author probably expects, listed by health as
 * warnings (health stays 200). Today: targets with auto-rollout on while the ACR webhook has no shared
 * secret, so the webhook refuses every call and only Event Grid and the reconcile scan deploy them.
 */
import type { ConfigurationIssue } from "../domain/errors.js";
import type { TargetDefinition } from "../domain/target.js";

/** What the warnings look at in the settings (absent when the settings are invalid: those are errors already). */
export interface WarningSettings {
  webhookSecretSet: boolean;
}

/** The warnings for `targets` under `settings`. */
export function unsupportedFeatureWarnings(targets: readonly TargetDefinition[], settings?: WarningSettings): ConfigurationIssue[] {
  const following = targets.filter((t) => t.autoRollout?.enabled === true).map((t) => t.name);
  if (settings === undefined || settings.webhookSecretSet || following.length === 0) return [];
  return [
    {
      path: "/ACA_ROLLOUT_WEBHOOK_SECRET",
      message: `is not set: POST /api/webhooks/acr refuses every call (401), so target(s) ${following.join(", ")} with autoRollout are deployed only by Event Grid and the reconcile scan`,
    },
  ];
}
