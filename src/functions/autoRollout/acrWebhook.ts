/**
 * `POST /api/webhooks/acr`: the ACR webhook. ACR waits about 5 s for an answer and never retries a
 * failed delivery (Azure/acr#681), so this answers within 1 s whatever happens downstream: it checks
 * the shared secret, reads the payload, and hands a push on (one quick start per following target);
 * the registry check, dedupe and coalescing run afterwards in the orchestrations.
 *
 *   401  secret header missing or wrong (nothing happens; no body)
 *   200  ping (`az acr webhook ping`)
 *   202  push handed on, or an action / push that starts nothing, with the reason
 *   400  malformed payload (problem+json); 413 / 415 as every JSON endpoint
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { currentSettings } from "../../config/settings.js";
import { currentTargets } from "../../config/targets.js";
import { readJsonBody } from "../http/jsonBody.js";
import { PROBLEM_TYPES, problemResponse } from "../http/problem.js";
import type { WebhookAnswer } from "../http/apiTypes.js";
import { describePush, takePush, type IntakeResult } from "./pushIntake.js";
import { IGNORED_ACTIONS, readWebhookBody } from "./pushPayload.js";
import { secretMatches } from "./webhookSecret.js";

/** How long the hand-over may take before the answer goes out anyway (ACR gives up at 5 s). */
export const HANDOVER_DEADLINE_MS = 800;

const answer = (status: number, body: WebhookAnswer): HttpResponseInit => ({ status, jsonBody: body });

/** Handles one delivery. */
export async function acrWebhook(request: HttpRequest, context: InvocationContext, client: DurableClient): Promise<HttpResponseInit> {
  const settings = currentSettings();
  const expected = settings.ok ? settings.settings.autoRollout.webhookSecret : undefined;
  const header = settings.ok ? settings.settings.autoRollout.webhookSecretHeader : "x-aca-rollout-secret";
  if (!secretMatches(request.headers.get(header), expected)) {
    context.warn(`ACR webhook refused: the ${header} header is missing or wrong${expected === undefined ? " (ACA_ROLLOUT_WEBHOOK_SECRET is not set)" : ""}`);
    return { status: 401 };
  }

  const json = await readJsonBody(request);
  if (!json.ok) return json.response;
  const body = readWebhookBody(json.value);
  switch (body.kind) {
    case "malformed":
      return problemResponse({ type: PROBLEM_TYPES.validation, status: 400, detail: "The body is not an ACR webhook payload; see errors.", errors: body.errors });
    case "ping":
      context.log(`ACR webhook ping ${body.id}`);
      return answer(200, { status: "pong", reason: "ping received" });
    case "other": {
      const reason = IGNORED_ACTIONS[body.action] ?? `action ${JSON.stringify(body.action)} starts nothing`;
      context.log(`ACR webhook event ${body.id} (${body.action}) ignored: ${reason}`);
      return answer(202, { status: "ignored", reason });
    }
    case "push":
      break;
  }
  const push = body.push;
  const targets = currentTargets();
  if (!targets.ok) return answer(202, { status: "ignored", reason: "the targets configuration is invalid (see GET /api/health); nothing can be deployed" });
  const debounce = settings.ok ? settings.settings.autoRollout.debounceSeconds : 10;
  const handover = takePush(client, push, targets.targets, debounce);
  const result = await withinDeadline(handover, HANDOVER_DEADLINE_MS);
  if (result === "late") {
    handover.catch((error: unknown) => context.error(`ACR webhook push ${describePush(push)} could not be handed on: ${error instanceof Error ? error.message : String(error)}`));
    context.warn(`ACR webhook push ${describePush(push)}: the hand-over is taking longer than ${HANDOVER_DEADLINE_MS} ms; answering now`);
    return answer(202, { status: "accepted", reason: "being handed on; see GET /api/targets/{name} for the decision" });
  }
  return intakeAnswer(context, push.tag, describePush(push), result);
}

function intakeAnswer(context: InvocationContext, tag: string | undefined, what: string, result: IntakeResult): HttpResponseInit {
  switch (result.kind) {
    case "buildSignal": {
      const reason = result.outcome.raised ? `tag ${tag ?? ""} is deploy ${result.outcome.instanceId}'s build: its build wait was told` : `tag ${tag ?? ""} is a build's deploy tag (${result.outcome.detail}); it starts nothing`;
      context.log(`ACR webhook push ${what}: ${reason}`);
      return answer(202, { status: "ignored", reason });
    }
    case "noTarget": {
      const reason = "no target with auto-rollout on follows this registry and repository";
      context.log(`ACR webhook push ${what} ignored: ${reason}`);
      return answer(202, { status: "ignored", reason });
    }
    case "started":
      context.log(`ACR webhook push ${what} handed to auto-rollout for target(s) ${result.targets.join(", ")}`);
      return answer(202, { status: "accepted", targets: result.targets, reason: "checked against the registry next; see GET /api/targets/{name} for the decision" });
  }
}

/** The promise's value, or "late" once `ms` have passed (it keeps running). */
async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | "late"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
