/**
 * `POST /api/deployments/{id}/cancel`: asks a running deploy to stop by raising its cancel event; the
 * deploy itself cancels an in-flight build and restores the last known good revision if it had
 * replaced it, then ends as `Canceled`. The request carries no body (an empty one or `{}`).
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { wallClockNow } from "../../config/wallClock.js";
import { CANCEL_EVENT } from "../../orchestrations/names.js";
import { readDeployInstance } from "./deploymentInstances.js";
import { deploymentStatusOf, isFinalStatus } from "./deploymentResource.js";
import { acceptedResponse } from "./deploymentUrls.js";
import { readJsonBody } from "./jsonBody.js";
import { conflictProblem, notFoundProblem, validationProblem } from "./requestProblems.js";

/** Handles `POST /api/deployments/{id}/cancel`; `now` is injectable for tests. */
export async function cancelDeployment(request: HttpRequest, client: DurableClient, now: () => Date = wallClockNow): Promise<HttpResponseInit> {
  // Nothing to say beyond the URL: accept no body at all, or an empty JSON object.
  const bytes = await request.clone().arrayBuffer();
  if (bytes.byteLength > 0) {
    const json = await readJsonBody(request);
    if (!json.ok) return json.response;
    const value = json.value;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return validationProblem([{ pointer: "", detail: "must be empty or an empty JSON object" }]);
    }
    const unknown = Object.keys(value);
    if (unknown.length > 0) return validationProblem(unknown.map((key) => ({ pointer: `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, detail: "is not a known field" })));
  }

  const id = request.params.id ?? "";
  const instance = await readDeployInstance(client, id);
  if (!instance) return notFoundProblem(`There is no deployment with id ${JSON.stringify(id)}.`, "/path/id");
  const { status } = deploymentStatusOf(instance);
  if (isFinalStatus(status)) return conflictProblem(`Deployment ${id} has already ended (${status}); there is nothing to cancel.`, "/path/id");
  await client.raiseEvent(id, CANCEL_EVENT, { requestedAt: now().toISOString() });
  return acceptedResponse(request, id);
}
