/**
 * Sends a registry's webhooks as ACR does: one POST per matching webhook and event, with
 * `Content-Type: application/json` and the webhook's custom headers only; **no retry** (Azure/acr#681)
 * and about **5 s** for an answer (then the delivery counts as failed). Each delivery is recorded for
 * `Webhooks_ListEvents` with custom header values masked. Nothing here logs the service URI or headers.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Clock } from "../../../common/clock.js";
import type { RegistryArtifactEvent, RegistryEventSink } from "../../kernel/types.js";
import type { RegistryStore } from "./registries.js";
import { registryKey } from "./registries.js";
import type { SandboxWebhook, WebhookEventRecord, WebhookStore } from "./webhookStore.js";
import { artifactPayload, pingPayload } from "./webhookPayload.js";
import { inWebhookScope } from "./webhookScope.js";

/** ACR's wait for a webhook's answer. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 5_000;
/** What listEvents shows instead of a custom header's value. */
export const MASK = "******";

/** What the dispatcher works with. */
export interface WebhookDispatcherDeps {
  registries: RegistryStore;
  webhooks: WebhookStore;
  clock: Clock;
  newId(): string;
  /** Real milliseconds to wait for an answer; default {@link DEFAULT_DELIVERY_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Told when a delivery was recorded (outside any request), so a persistent sandbox saves it. */
  changed(): void;
}

/** Sends webhooks for registry events and pings. */
export class WebhookDispatcher implements RegistryEventSink {
  private readonly inFlight = new Set<Promise<void>>();
  private sent = 0;

  constructor(private readonly deps: WebhookDispatcherDeps) {}

  /** Sends the event to every enabled webhook of its registry whose actions and scope take it. */
  onRegistryEvent(event: RegistryArtifactEvent): void {
    for (const registry of this.deps.registries.list()) {
      if (registry.loginServer !== event.loginServer.toLowerCase()) continue;
      for (const webhook of this.deps.webhooks.list(registryKey(registry))) {
        if (webhook.status !== "enabled" || !webhook.actions.includes(event.action) || !inWebhookScope(webhook.scope, event.repository, event.tag)) continue;
        const eventId = this.deps.newId();
        this.deliver(webhook, eventId, artifactPayload(event, { eventId, requestId: this.deps.newId() }, this.deps.clock.now()));
      }
    }
  }

  /** Sends a ping (whatever the webhook's status and actions, as `az acr webhook ping` does); returns the event id. */
  ping(webhook: SandboxWebhook): string {
    const eventId = this.deps.newId();
    this.deliver(webhook, eventId, pingPayload(eventId, this.deps.clock.now()));
    return eventId;
  }

  /** How many deliveries were ever started (monotonic): unchanged across a wait means none started. */
  started(): number {
    return this.sent;
  }

  /** Resolves once every delivery under way has been answered or has failed. */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private deliver(webhook: SandboxWebhook, eventId: string, content: Record<string, unknown>): void {
    const sentAt = this.deps.clock.now();
    const body = Buffer.from(JSON.stringify(content), "utf8");
    const headers: Record<string, string> = { ...webhook.customHeaders, "Content-Type": "application/json", "Content-Length": String(body.length) };
    const masked: Record<string, string> = { "Content-Type": "application/json", "Content-Length": String(body.length) };
    for (const name of Object.keys(webhook.customHeaders)) masked[name] = MASK;
    const work = post(webhook.serviceUri, headers, body, this.deps.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS).then((response) => {
      const record: WebhookEventRecord = { id: eventId, sentAt, content, requestHeaders: masked, response };
      this.deps.webhooks.record(webhook, record);
      this.deps.changed();
    });
    this.sent += 1;
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}

/** One POST; never rejects: a failure is described by a short code, never by the URL. */
function post(uri: string, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<WebhookEventRecord["response"]> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: WebhookEventRecord["response"]): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      finish({ error: "InvalidServiceUri" });
      return;
    }
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, { method: "POST", headers }, (res) => {
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(", ") : value;
      // The body is not needed; reading it frees the socket.
      res.resume();
      res.on("end", () => finish({ statusCode: res.statusCode ?? 0, headers: responseHeaders }));
      res.on("error", () => finish({ statusCode: res.statusCode ?? 0, headers: responseHeaders }));
    });
    const timer = setTimeout(() => {
      finish({ error: "Timeout" });
      req.destroy();
    }, timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", (error: NodeJS.ErrnoException) => finish({ error: error.code ?? "RequestFailed" }));
    req.end(body);
  });
}
