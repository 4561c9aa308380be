/**
 * Scenario view of the registries' webhooks, mounted under `/_sandbox/` (no bearer token, not logged):
 *
 * GET /_sandbox/acr/webhooks   200 { "webhooks": [{ "registry": "demoacr", "loginServer", "name", "status",
 *        "scope", "actions": ["push"], "customHeaderNames": ["x-aca-rollout-secret"],
 *        "deliveries": [{ "id", "action": "push", "repository", "tag", "sentAt", "statusCode": 202 | "error": "Timeout" }] }] }
 *
 * The service URI and header values are never shown here (they are secrets of the receiver); ARM's
 * `Webhooks_GetCallbackConfig` is the one place that returns them, as on Azure.
 */
import { controlRoute } from "../../kernel/control.js";
import type { SandboxRoute } from "../../kernel/types.js";
import type { RegistryStore } from "./registries.js";
import type { SandboxWebhook, WebhookStore } from "./webhookStore.js";

/** What the scenario view shows of a webhook. */
export function webhookView(registries: RegistryStore, webhook: SandboxWebhook): Record<string, unknown> {
  const registry = registries.byKey(webhook.registryKey);
  return {
    registry: registry?.name,
    loginServer: registry?.loginServer,
    name: webhook.name,
    status: webhook.status,
    scope: webhook.scope,
    actions: webhook.actions,
    customHeaderNames: Object.keys(webhook.customHeaders),
    deliveries: webhook.events.map((event) => {
      const target = event.content["target"];
      const fields = typeof target === "object" && target !== null ? Object.fromEntries(Object.entries(target)) : {};
      return {
        id: event.id,
        action: event.content["action"],
        ...(typeof fields["repository"] === "string" ? { repository: fields["repository"] } : {}),
        ...(typeof fields["tag"] === "string" ? { tag: fields["tag"] } : {}),
        sentAt: new Date(event.sentAt).toISOString(),
        ...("statusCode" in event.response ? { statusCode: event.response.statusCode } : { error: event.response.error }),
      };
    }),
  };
}

/** The webhook control routes (templates relative to `/_sandbox`). */
export function webhookControlRoutes(registries: RegistryStore, webhooks: WebhookStore): SandboxRoute[] {
  return [controlRoute("GET", "/acr/webhooks", () => ({ status: 200, body: { webhooks: webhooks.all().map((webhook) => webhookView(registries, webhook)) } }))];
}
