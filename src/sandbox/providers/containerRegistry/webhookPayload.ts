/**
 * The JSON ACR POSTs to a webhook, field for field as the webhook reference shows it
 * (learn.microsoft.com/azure/container-registry/container-registry-webhook-reference; vendored in
 * test/fixtures/azure-rest-examples/docs/container-registry-webhook-reference/):
 * - push: `{id, timestamp, action, target{mediaType, size, digest, length, repository, tag}, request{id, host, method, useragent}}`
 *   (no `tag` for a push by digest);
 * - delete: `{id, timestamp, action, target{mediaType, digest, repository}, request{id, host, method, useragent}}`;
 * - ping (`az acr webhook ping`): `{id, timestamp, action: "ping"}`.
 */
import type { RegistryArtifactEvent } from "../../kernel/types.js";

/** The payload of an artifact event. */
export function artifactPayload(event: RegistryArtifactEvent, ids: { eventId: string; requestId: string }, at: number): Record<string, unknown> {
  const request = { id: ids.requestId, host: event.loginServer, method: event.method, useragent: event.userAgent };
  const timestamp = new Date(at).toISOString();
  if (event.action === "delete") {
    return { id: ids.eventId, timestamp, action: "delete", target: { mediaType: event.mediaType, digest: event.digest, repository: event.repository }, request };
  }
  const size = event.size ?? 0;
  const target = { mediaType: event.mediaType, size, digest: event.digest, length: size, repository: event.repository, ...(event.tag !== undefined ? { tag: event.tag } : {}) };
  return { id: ids.eventId, timestamp, action: "push", target, request };
}

/** The payload `Webhooks_Ping` sends. */
export function pingPayload(eventId: string, at: number): Record<string, unknown> {
  return { id: eventId, timestamp: new Date(at).toISOString(), action: "ping" };
}
