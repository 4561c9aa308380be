/**
 * A registry's webhooks (`Microsoft.ContainerRegistry/registries/webhooks`, api-version 2025-11-01 as
 * `@azure/arm-containerregistry` 11 sends it): what they are configured with and the events they sent.
 * The service URI and custom headers (the receiver's secret) are kept but never shown by `Webhooks_Get`
 * or `Webhooks_List`, only by `Webhooks_GetCallbackConfig`, as on Azure.
 */
import { z } from "zod";

/** The actions a webhook can subscribe to (`WebhookAction`). */
export const WEBHOOK_ACTIONS = ["push", "delete", "quarantine", "chart_push", "chart_delete"] as const;

/** One action. */
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

/** ACR webhook names: 5-50 letters or digits (`webhookName` pattern `^[a-zA-Z0-9]*$`, length 5-50). */
export const WEBHOOK_NAME = /^[a-zA-Z0-9]{5,50}$/;

/** Events kept per webhook for `Webhooks_ListEvents`, newest last. */
export const MAX_EVENTS_KEPT = 50;

/** One delivery, as `Webhooks_ListEvents` reports it. */
export interface WebhookEventRecord {
  /** The event id (also the payload's `id`). */
  id: string;
  /** Virtual-clock time it was sent (ms). */
  sentAt: number;
  content: Record<string, unknown>;
  /** Headers sent, custom header values masked. */
  requestHeaders: Record<string, string>;
  /** The answer, or why there was none (`timeout`, a connection error code). */
  response: { statusCode: number; headers: Record<string, string> } | { error: string };
}

/** A webhook the sandbox holds. */
export interface SandboxWebhook {
  registryKey: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  serviceUri: string;
  customHeaders: Record<string, string>;
  status: "enabled" | "disabled";
  scope: string;
  actions: WebhookAction[];
  events: WebhookEventRecord[];
}

const serviceUri = z
  .string()
  .max(2048)
  .refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value), { message: "must be an absolute http or https URL" });
const headers = z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name"), z.string().max(4096)).refine((value) => Object.keys(value).length <= 20, "at most 20 headers");
const tags = z.record(z.string().max(512), z.string().max(256));

/** `WebhookCreateParameters`. */
export const webhookCreateSchema = z.object({
  location: z.string().min(1),
  tags: tags.optional(),
  properties: z.object({
    serviceUri,
    customHeaders: headers.optional(),
    status: z.enum(["enabled", "disabled"]).optional(),
    scope: z.string().max(256).optional(),
    actions: z.array(z.enum(WEBHOOK_ACTIONS)).min(1),
  }),
});

/** `WebhookUpdateParameters`. */
export const webhookUpdateSchema = z.object({
  location: z.string().min(1).optional(),
  tags: tags.optional(),
  properties: z
    .object({
      serviceUri: serviceUri.optional(),
      customHeaders: headers.optional(),
      status: z.enum(["enabled", "disabled"]).optional(),
      scope: z.string().max(256).optional(),
      actions: z.array(z.enum(WEBHOOK_ACTIONS)).min(1).optional(),
    })
    .optional(),
});

/** Parsed create parameters. */
export type WebhookCreate = z.infer<typeof webhookCreateSchema>;
/** Parsed update parameters. */
export type WebhookUpdate = z.infer<typeof webhookUpdateSchema>;

/** Webhooks by registry, names case-insensitive. */
export class WebhookStore {
  private readonly byRegistry = new Map<string, Map<string, SandboxWebhook>>();

  /** Creates or replaces a webhook; `created` is false when one of that name existed (its events are kept). */
  put(registryKey: string, name: string, params: WebhookCreate): { webhook: SandboxWebhook; created: boolean } {
    const hooks = this.byRegistry.get(registryKey) ?? new Map<string, SandboxWebhook>();
    this.byRegistry.set(registryKey, hooks);
    const existing = hooks.get(name.toLowerCase());
    const { properties } = params;
    const webhook: SandboxWebhook = {
      registryKey,
      name: existing?.name ?? name,
      location: params.location,
      tags: { ...params.tags },
      serviceUri: properties.serviceUri,
      customHeaders: { ...properties.customHeaders },
      status: properties.status ?? "enabled",
      scope: properties.scope ?? "",
      actions: [...new Set(properties.actions)],
      events: existing?.events ?? [],
    };
    hooks.set(name.toLowerCase(), webhook);
    return { webhook, created: existing === undefined };
  }

  /** Applies an update to an existing webhook; undefined when there is none. */
  update(registryKey: string, name: string, params: WebhookUpdate): SandboxWebhook | undefined {
    const webhook = this.get(registryKey, name);
    if (!webhook) return undefined;
    const properties = params.properties ?? {};
    if (params.tags !== undefined) webhook.tags = { ...params.tags };
    if (properties.serviceUri !== undefined) webhook.serviceUri = properties.serviceUri;
    if (properties.customHeaders !== undefined) webhook.customHeaders = { ...properties.customHeaders };
    if (properties.status !== undefined) webhook.status = properties.status;
    if (properties.scope !== undefined) webhook.scope = properties.scope;
    if (properties.actions !== undefined) webhook.actions = [...new Set(properties.actions)];
    return webhook;
  }

  /** The webhook, or undefined. */
  get(registryKey: string, name: string): SandboxWebhook | undefined {
    return this.byRegistry.get(registryKey)?.get(name.toLowerCase());
  }

  /** A registry's webhooks, in creation order. */
  list(registryKey: string): SandboxWebhook[] {
    return [...(this.byRegistry.get(registryKey)?.values() ?? [])];
  }

  /** Every webhook of every registry. */
  all(): SandboxWebhook[] {
    return [...this.byRegistry.values()].flatMap((hooks) => [...hooks.values()]);
  }

  /** Deletes a webhook; false when there was none. */
  delete(registryKey: string, name: string): boolean {
    return this.byRegistry.get(registryKey)?.delete(name.toLowerCase()) ?? false;
  }

  /** Keeps an event, dropping the oldest beyond {@link MAX_EVENTS_KEPT}. */
  record(webhook: SandboxWebhook, event: WebhookEventRecord): void {
    webhook.events.push(event);
    if (webhook.events.length > MAX_EVENTS_KEPT) webhook.events.splice(0, webhook.events.length - MAX_EVENTS_KEPT);
  }

  /** Forgets every webhook. */
  clear(): void {
    this.byRegistry.clear();
  }

  /** Replaces every webhook with saved ones (as {@link all} returned them). */
  restore(saved: readonly SandboxWebhook[]): void {
    this.clear();
    for (const webhook of saved) {
      const hooks = this.byRegistry.get(webhook.registryKey) ?? new Map<string, SandboxWebhook>();
      hooks.set(webhook.name.toLowerCase(), { ...webhook, events: [...webhook.events] });
      this.byRegistry.set(webhook.registryKey, hooks);
    }
  }
}
