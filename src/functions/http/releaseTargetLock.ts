/**
 * `DELETE /api/targets/{name}/lock`: frees an app whose lock is held by a deploy that will never
 * release it, by hand. The body gives the reason (`{"reason": "..."}`), which the entity records with
 * the time and the holder in the target's history. The entity releases only the holder read here,
 * so a deploy that took the app in between is never freed by a stale request; the newest waiter, if
 * any, gets the app and learns it at its next queue check.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type * as df from "durable-functions";
import { wallClockNow } from "../../config/wallClock.js";
import type { TargetDefinition } from "../../domain/target.js";
import type { TargetOperations } from "../../entities/targetRecord.js";
import { readJsonBody } from "./jsonBody.js";
import { conflictProblem, validationProblem } from "./requestProblems.js";
import { readTargetState, targetEntityId } from "./targetState.js";

/** Longest reason accepted (it is kept in the target's history). */
export const MAX_LOCK_REASON_LENGTH = 500;

/** The reason in the body, or the 400 to answer. */
function reasonOf(value: unknown): { ok: true; reason: string } | { ok: false; response: HttpResponseInit } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, response: validationProblem([{ pointer: "", detail: 'must be a JSON object: {"reason": "why the app is freed by hand"}' }]) };
  }
  const record = value as Record<string, unknown>;
  const errors = Object.keys(record)
    .filter((key) => key !== "reason")
    .map((key) => ({ pointer: `/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, detail: "is not a known field" }));
  const reason = record.reason;
  if (typeof reason !== "string" || reason.trim() === "") errors.unshift({ pointer: "/reason", detail: "is required: say why the app is freed by hand (it is kept in the target's history)" });
  else if (reason.length > MAX_LOCK_REASON_LENGTH) errors.unshift({ pointer: "/reason", detail: `must be at most ${MAX_LOCK_REASON_LENGTH} characters` });
  if (errors.length > 0 || typeof reason !== "string") return { ok: false, response: validationProblem(errors) };
  return { ok: true, reason: reason.trim() };
}

/** Handles the request for a known target; `now` is injectable for tests. */
export async function releaseTargetLock(
  request: HttpRequest,
  client: Pick<df.DurableClient, "readEntityState" | "signalEntity">,
  target: TargetDefinition,
  now: () => Date = wallClockNow,
): Promise<HttpResponseInit> {
  const json = await readJsonBody(request);
  if (!json.ok) return json.response;
  const body = reasonOf(json.value);
  if (!body.ok) return body.response;
  const { lock } = await readTargetState(client, target.containerApp);
  if (lock === undefined) return conflictProblem(`The app of target ${JSON.stringify(target.name)} is not held by any deploy; there is nothing to free.`, "/path/name");
  const input: TargetOperations["releaseByHand"] = { holder: lock.holder, reason: body.reason, at: now().toISOString() };
  await client.signalEntity(targetEntityId(target.containerApp), "releaseByHand", input);
  return { status: 204 };
}
