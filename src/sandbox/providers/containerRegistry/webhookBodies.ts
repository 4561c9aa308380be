/**
 * Webhook response bodies, with the field sets of the official examples (WebhookGet.json,
 * WebhookGetCallbackConfig.json, WebhookListEvents.json, WebhookPing.json; 2025-11-01).
 */
import { registryId, type SandboxRegistry } from "./registries.js";
import type { SandboxWebhook, WebhookEventRecord } from "./webhookStore.js";

/** The ARM id of a webhook. */
export function webhookId(registry: SandboxRegistry, name: string): string {
  return `${registryId(registry)}/webhooks/${name}`;
}

/** `Webhooks_Get` / `_List` item / `_Create` / `_Update`: no service URI and no headers, as on Azure. */
export function webhookBody(registry: SandboxRegistry, webhook: SandboxWebhook): Record<string, unknown> {
  return {
    id: webhookId(registry, webhook.name),
    name: webhook.name,
    type: "Microsoft.ContainerRegistry/registries/webhooks",
    location: webhook.location,
    tags: webhook.tags,
    properties: { status: webhook.status, scope: webhook.scope, actions: webhook.actions, provisioningState: "Succeeded" },
  };
}

/** `Webhooks_GetCallbackConfig`: where the webhook posts, and with which headers. */
export function callbackConfigBody(webhook: SandboxWebhook): Record<string, unknown> {
  return { serviceUri: webhook.serviceUri, customHeaders: webhook.customHeaders };
}

/** One `Webhooks_ListEvents` item. */
export function eventBody(webhook: SandboxWebhook, event: WebhookEventRecord): Record<string, unknown> {
  const response =
    "statusCode" in event.response
      ? { headers: event.response.headers, statusCode: String(event.response.statusCode), version: "1.1" }
      : { headers: {}, statusCode: "", reasonPhrase: event.response.error, version: "1.1" };
  return {
    id: event.id,
    eventRequestMessage: { content: event.content, headers: event.requestHeaders, method: "POST", requestUri: webhook.serviceUri, version: "1.1" },
    eventResponseMessage: response,
  };
}
