/**
 * The ARM operations of `Microsoft.ContainerRegistry/registries/webhooks` (api-version 2025-11-01):
 * create (PUT), get, list, update (PATCH), delete, ping, getCallbackConfig and listEvents, with their
 * RBAC action names. Create and update finish at once (`provisioningState: Succeeded`, no polling),
 * which the SDK's long-running-operation poller accepts as done.
 */
import { armError, invalidRequestContent, type SandboxReply, type SandboxRequest, type SandboxRoute } from "../../kernel/types.js";
import { registryKey, registryNotFound, type RegistryStore, type SandboxRegistry } from "./registries.js";
import { callbackConfigBody, eventBody, webhookBody } from "./webhookBodies.js";
import type { WebhookDispatcher } from "./webhookDelivery.js";
import { WEBHOOK_NAME, webhookCreateSchema, webhookUpdateSchema, type SandboxWebhook, type WebhookStore } from "./webhookStore.js";

const WEBHOOKS = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}/webhooks";
const ACTIONS = "Microsoft.ContainerRegistry/registries/webhooks";

/** What the routes work on. */
export interface WebhookRouteDeps {
  registries: RegistryStore;
  webhooks: WebhookStore;
  dispatcher: WebhookDispatcher;
}

/** The webhook routes. */
export function webhookArmRoutes(deps: WebhookRouteDeps): SandboxRoute[] {
  const withRegistry =
    (handler: (registry: SandboxRegistry, req: SandboxRequest) => SandboxReply) =>
    (req: SandboxRequest): SandboxReply => {
      const address = { subscriptionId: req.params.subscriptionId ?? "", resourceGroup: req.params.resourceGroupName ?? "", name: req.params.registryName ?? "" };
      const registry = deps.registries.find(address);
      return registry ? handler(registry, req) : registryNotFound(address);
    };
  const withWebhook = (handler: (registry: SandboxRegistry, webhook: SandboxWebhook, req: SandboxRequest) => SandboxReply) =>
    withRegistry((registry, req) => {
      const name = req.params.webhookName ?? "";
      const webhook = deps.webhooks.get(registryKey(registry), name);
      if (!webhook) {
        return armError(
          404,
          "ResourceNotFound",
          `The Resource 'Microsoft.ContainerRegistry/registries/${registry.name}/webhooks/${name}' under resource group '${registry.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        );
      }
      return handler(registry, webhook, req);
    });

  return [
    {
      method: "GET",
      template: WEBHOOKS,
      operation: `${ACTIONS}/read`,
      plane: "arm",
      kind: "read",
      handler: withRegistry((registry) => ({ status: 200, body: { value: deps.webhooks.list(registryKey(registry)).map((webhook) => webhookBody(registry, webhook)) } })),
    },
    {
      method: "GET",
      template: `${WEBHOOKS}/{webhookName}`,
      operation: `${ACTIONS}/read`,
      plane: "arm",
      kind: "read",
      handler: withWebhook((registry, webhook) => ({ status: 200, body: webhookBody(registry, webhook) })),
    },
    {
      method: "PUT",
      template: `${WEBHOOKS}/{webhookName}`,
      operation: `${ACTIONS}/write`,
      plane: "arm",
      kind: "write",
      handler: withRegistry((registry, req) => {
        const name = req.params.webhookName ?? "";
        if (!WEBHOOK_NAME.test(name)) return armError(400, "InvalidResourceName", `Resource name '${name}' is invalid: a webhook name is 5-50 letters or digits.`);
        const parsed = webhookCreateSchema.safeParse(req.body);
        if (!parsed.success) return invalidRequestContent(parsed.error);
        const { webhook, created } = deps.webhooks.put(registryKey(registry), name, parsed.data);
        return { status: created ? 201 : 200, body: webhookBody(registry, webhook) };
      }),
    },
    {
      method: "PATCH",
      template: `${WEBHOOKS}/{webhookName}`,
      operation: `${ACTIONS}/write`,
      plane: "arm",
      kind: "write",
      handler: withWebhook((registry, webhook, req) => {
        const parsed = webhookUpdateSchema.safeParse(req.body ?? {});
        if (!parsed.success) return invalidRequestContent(parsed.error);
        deps.webhooks.update(registryKey(registry), webhook.name, parsed.data);
        return { status: 200, body: webhookBody(registry, webhook) };
      }),
    },
    {
      method: "DELETE",
      template: `${WEBHOOKS}/{webhookName}`,
      operation: `${ACTIONS}/delete`,
      plane: "arm",
      kind: "write",
      // WebhookDelete.json: 200 when it was there, 204 when there was nothing to delete.
      handler: withRegistry((registry, req) => ({ status: deps.webhooks.delete(registryKey(registry), req.params.webhookName ?? "") ? 200 : 204 })),
    },
    {
      method: "POST",
      template: `${WEBHOOKS}/{webhookName}/ping`,
      operation: `${ACTIONS}/ping/action`,
      plane: "arm",
      kind: "action",
      handler: withWebhook((_registry, webhook) => ({ status: 200, body: { id: deps.dispatcher.ping(webhook) } })),
    },
    {
      method: "POST",
      template: `${WEBHOOKS}/{webhookName}/getCallbackConfig`,
      operation: `${ACTIONS}/getCallbackConfig/action`,
      plane: "arm",
      kind: "action",
      handler: withWebhook((_registry, webhook) => ({ status: 200, body: callbackConfigBody(webhook) })),
    },
    {
      method: "POST",
      template: `${WEBHOOKS}/{webhookName}/listEvents`,
      operation: `${ACTIONS}/listEvents/action`,
      plane: "arm",
      kind: "action",
      // Newest first, as the portal lists them.
      handler: withWebhook((_registry, webhook) => ({ status: 200, body: { value: [...webhook.events].reverse().map((event) => eventBody(webhook, event)) } })),
    },
  ];
}
