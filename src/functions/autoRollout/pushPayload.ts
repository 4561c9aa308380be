/**
 * Reads the two push payloads into one {@link RegistryPush}: the ACR webhook's JSON body
 * (container-registry-webhook-reference: `{id, timestamp, action, target{mediaType, size, digest,
 * length, repository, tag}, request{id, host, method, useragent}}`; also `delete`, `chart_push`,
 * `chart_delete`, `quarantine`, and `ping` from `az acr webhook ping`) and Event Grid's
 * `Microsoft.ContainerRegistry.ImagePushed` (read with `@azure/eventgrid`'s deserializer and
 * `isSystemEvent`, never hand-written types). Unknown fields are kept out, not refused: ACR and
 * Event Grid add fields over time (Event Grid's `target.url`, `actor`, `source`, `connectedRegistry`).
 */
import type { ContainerRegistryImagePushedEventData, EventGridDeserializer } from "@azure/eventgrid";
import { z } from "zod";
import type { RegistryPush } from "../../domain/autoRollout.js";

/** The webhook actions; only `push` can start a deploy, `ping` is answered 200. */
export const IGNORED_ACTIONS: Record<string, string> = {
  delete: "a deleted image starts nothing",
  chart_push: "Helm chart pushes start nothing: targets deploy container images",
  chart_delete: "a deleted Helm chart starts nothing",
  quarantine: "a quarantined image starts nothing",
};

const webhookBodySchema = z.looseObject({
  id: z.string().min(1),
  timestamp: z.string().optional(),
  action: z.string().min(1),
  target: z.looseObject({ mediaType: z.string().optional(), digest: z.string().optional(), repository: z.string().optional(), tag: z.string().optional() }).optional(),
  request: z.looseObject({ host: z.string().optional() }).optional(),
});

/** A webhook body as read: a push, a ping, another action, or the problems that make it malformed. */
export type WebhookBody =
  | { kind: "push"; push: RegistryPush }
  | { kind: "ping"; id: string }
  | { kind: "other"; id: string; action: string }
  | { kind: "malformed"; errors: { pointer: string; detail: string }[] };

/** Reads an ACR webhook body (already JSON-parsed). */
export function readWebhookBody(raw: unknown): WebhookBody {
  const parsed = webhookBodySchema.safeParse(raw);
  if (!parsed.success) {
    return { kind: "malformed", errors: parsed.error.issues.map((issue) => ({ pointer: `/${issue.path.join("/")}`, detail: issue.path.length === 0 ? "must be a JSON object (an ACR webhook payload)" : issue.message })) };
  }
  const body = parsed.data;
  if (body.action === "ping") return { kind: "ping", id: body.id };
  if (body.action !== "push") return { kind: "other", id: body.id, action: body.action };
  const errors: { pointer: string; detail: string }[] = [];
  const need = (value: string | undefined, pointer: string): string => {
    if (value === undefined || value === "") errors.push({ pointer, detail: "is required in a push" });
    return value ?? "";
  };
  const digest = need(body.target?.digest, "/target/digest");
  const repository = need(body.target?.repository, "/target/repository");
  const host = need(body.request?.host, "/request/host");
  if (errors.length > 0) return { kind: "malformed", errors };
  return { kind: "push", push: pushOf("webhook", body.id, body.timestamp, host, repository, digest, body.target?.tag, body.target?.mediaType) };
}

function pushOf(source: RegistryPush["source"], eventId: string, timestamp: string | undefined, host: string, repository: string, digest: string, tag: string | undefined, mediaType: string | undefined): RegistryPush {
  return {
    source,
    eventId,
    timestamp: timestamp !== undefined && !Number.isNaN(Date.parse(timestamp)) ? timestamp : new Date(0).toISOString(),
    loginServer: host.toLowerCase(),
    repository,
    digest,
    ...(tag !== undefined && tag !== "" ? { tag } : {}),
    ...(mediaType !== undefined ? { mediaType } : {}),
  };
}

let eventGrid: Promise<{ deserializer: EventGridDeserializer; isSystemEvent: typeof import("@azure/eventgrid").isSystemEvent }> | undefined;

/** `@azure/eventgrid`, imported on the first Event Grid event (about 300 ms a webhook cold start never needs). */
function eventGridSdk(): NonNullable<typeof eventGrid> {
  eventGrid ??= import("@azure/eventgrid").then(({ EventGridDeserializer, isSystemEvent }) => ({ deserializer: new EventGridDeserializer(), isSystemEvent }));
  return eventGrid;
}

/** An Event Grid event as read: an ImagePushed push, or why it is not one. */
export type EventGridRead = { kind: "push"; push: RegistryPush } | { kind: "ignored"; reason: string };

/**
 * Reads one event as the Event Grid trigger hands it over (Event Grid schema or CloudEvents 1.0:
 * `specversion` tells them apart). Throws when the deserializer refuses it (missing required fields).
 */
export async function readEventGridEvent(raw: unknown): Promise<EventGridRead> {
  if (typeof raw !== "object" || raw === null) return { kind: "ignored", reason: "the event is not a JSON object" };
  // The deserializer takes the event as text or a plain record; text needs no cast.
  const { deserializer, isSystemEvent } = await eventGridSdk();
  let data: ContainerRegistryImagePushedEventData | undefined;
  let id: string;
  if ("specversion" in raw) {
    const [event] = await deserializer.deserializeCloudEvents(JSON.stringify(raw));
    if (!event) return { kind: "ignored", reason: "no event" };
    if (!isSystemEvent("Microsoft.ContainerRegistry.ImagePushed", event)) return notImagePushed(event.type);
    ({ data, id } = { data: event.data, id: event.id });
  } else {
    const [event] = await deserializer.deserializeEventGridEvents(JSON.stringify(raw));
    if (!event) return { kind: "ignored", reason: "no event" };
    if (!isSystemEvent("Microsoft.ContainerRegistry.ImagePushed", event)) return notImagePushed(event.eventType);
    ({ data, id } = { data: event.data, id: event.id });
  }
  // Optional in the SDK's types: a CloudEvent may carry no data at all.
  const target = data?.target;
  const host = data?.request?.host;
  if (!target?.digest || !target.repository || !host) return { kind: "ignored", reason: "an ImagePushed event without target.digest, target.repository or request.host" };
  return { kind: "push", push: pushOf("eventGrid", id, data?.timestamp, host, target.repository, target.digest, target.tag, target.mediaType) };
}

function notImagePushed(type: string): EventGridRead {
  return { kind: "ignored", reason: `event type ${type} starts nothing (only Microsoft.ContainerRegistry.ImagePushed does)` };
}
