/**
 * Absolute URLs and the `202 Accepted` answer of the deployments API. URLs are built from the URL the
 * caller used, so they work behind the route prefix and host name the caller sees; the function key
 * (`code`) is never copied into them.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DeploymentAccepted } from "./apiTypes.js";

/** Seconds a client should wait before polling a deployment. */
export const POLL_AFTER_SECONDS = 10;

/** `<origin><route prefix>/deployments` as the caller reached it. */
export function deploymentsCollectionUrl(request: Pick<HttpRequest, "url">): string {
  const url = new URL(request.url);
  const segments = url.pathname.split("/");
  const at = segments.indexOf("deployments");
  const path = at === -1 ? "/api/deployments" : segments.slice(0, at + 1).join("/");
  return `${url.origin}${path}`;
}

/** Absolute URL of `GET /deployments/{id}`. */
export function deploymentStatusUrl(request: Pick<HttpRequest, "url">, id: string): string {
  return `${deploymentsCollectionUrl(request)}/${encodeURIComponent(id)}`;
}

/** `202` with `{id, statusUrl}`, `Location: statusUrl` and `Retry-After`. */
export function acceptedResponse(request: Pick<HttpRequest, "url">, id: string): HttpResponseInit {
  const body: DeploymentAccepted = { id, statusUrl: deploymentStatusUrl(request, id) };
  return { status: 202, headers: { location: body.statusUrl, "retry-after": String(POLL_AFTER_SECONDS) }, jsonBody: body };
}
