/**
 * The generic webhook: a JSON event in a documented, versioned schema (`docs/notification-event.v1.schema.json`,
 * README "Generic webhook"), signed with HMAC-SHA256 over `<timestamp>.<body>` and sent as
 * `X-Aca-Rollout-Signature: t=<unix seconds>,v1=<hex>`. Signing the timestamp with the body lets a
 * receiver refuse a replayed request older than five minutes (the scheme Stripe and Slack use).
 */
import { createHmac } from "node:crypto";
import type { DeployTrigger } from "../domain/deployment.js";
import type { DeployNotice, NotificationEvent } from "../domain/notification.js";
import { stepSeconds } from "./noticeText.js";

/** The schema id every event carries; a breaking change gets a new version. */
export const WEBHOOK_EVENT_SCHEMA = "aca-rollout.deploy-notification/v1";

/** The signature header. */
export const SIGNATURE_HEADER = "X-Aca-Rollout-Signature";
/** The event name header (the same as the body's `event`). */
export const EVENT_HEADER = "X-Aca-Rollout-Event";
/** The delivery id header (the same as the body's `id`): equal for every retry of one event. */
export const DELIVERY_HEADER = "X-Aca-Rollout-Delivery";

/** Longest log tail an event carries (the deploy status has the same tail). */
const MAX_LOG_TAIL_CHARS = 8_000;

/** One step as the event shows it. */
export interface WebhookEventStep {
  name: string;
  status: string;
  startedAt?: string;
  finishedAt?: string;
  durationSeconds?: number;
  detail?: string;
}

/** The event body, version 1. Optional fields are left out when unknown. */
export interface WebhookEvent {
  schema: typeof WEBHOOK_EVENT_SCHEMA;
  /** `<deploymentId>.<event>`: the same for every retry, so receivers can drop duplicates. */
  id: string;
  event: NotificationEvent;
  time: string;
  deployment: {
    id: string;
    target: string;
    app: { subscriptionId: string; resourceGroup: string; name: string };
    image: { loginServer: string; repository: string; tag?: string; digest?: string };
    outcome?: string;
    reason?: string;
    requestedAt: string;
    durationSeconds: number;
    newRevision?: string;
    previousRevision?: string;
    statusUrl?: string;
    trigger: DeployTrigger;
    steps: WebhookEventStep[];
    error?: { code: string; message: string; statusCode?: number; correlationId?: string };
    logTail?: string;
    quarantinedDigest?: string;
    supersededBy?: string;
  };
}

/** The delivery id of an event: equal for every retry of the same event of the same deploy. */
export function deliveryIdOf(notice: Pick<DeployNotice, "deploymentId" | "event">): string {
  return `${notice.deploymentId}.${notice.event}`;
}

/** The event for `notice`. */
export function buildWebhookEvent(notice: DeployNotice): WebhookEvent {
  const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : ({ [key]: value } as Partial<Record<K, V>>));
  return {
    schema: WEBHOOK_EVENT_SCHEMA,
    id: deliveryIdOf(notice),
    event: notice.event,
    time: notice.at,
    deployment: {
      id: notice.deploymentId,
      target: notice.target,
      app: { ...notice.app },
      image: { ...notice.image },
      ...optional("outcome", notice.outcome),
      ...optional("reason", notice.reason),
      requestedAt: notice.requestedAt,
      durationSeconds: notice.durationSeconds,
      ...optional("newRevision", notice.newRevision),
      ...optional("previousRevision", notice.previousRevision),
      ...optional("statusUrl", notice.statusUrl),
      trigger: { ...notice.trigger },
      steps: notice.steps.map((step) => ({ ...step, ...optional("durationSeconds", stepSeconds(step)) })),
      ...optional("error", notice.error ? { ...notice.error } : undefined),
      ...optional("logTail", notice.logTail !== undefined ? notice.logTail.slice(-MAX_LOG_TAIL_CHARS) : undefined),
      ...optional("quarantinedDigest", notice.quarantinedDigest),
      ...optional("supersededBy", notice.supersededBy),
    },
  };
}

/** The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** The `X-Aca-Rollout-Signature` value: `t=<unix seconds>,v1=<hex>`. */
export function signatureHeaderValue(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
}
