/**
 * `POST /api/deployments`: validates the request completely (body, target, overrides, the composed
 * deploy input) before anything starts, then starts the `deploy` orchestration and answers `202`.
 * With an `Idempotency-Key` the deployment id is derived from the key alone (keys are unique across
 * the collection), so a retry finds the deploy it already started: the same request gets the same
 * answer, a different one (another target included) a `409`.
 * A digest quarantined for the target's app is a `409` too, and nothing starts.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { currentTargets, findTarget } from "../../config/targets.js";
import { nextStartStamp } from "../../config/wallClock.js";
import type { DeploymentInput } from "../../domain/deployment.js";
import { composeDeploymentInput, deploymentFingerprint, parseDeploymentRequestBody } from "../../domain/deploymentRequest.js";
import { ORCHESTRATIONS } from "../../orchestrations/names.js";
import { readDeployInstance } from "./deploymentInstances.js";
import { acceptedResponse, deploymentStatusUrl } from "./deploymentUrls.js";
import { freshDeploymentId, IDEMPOTENCY_KEY_HEADER, idempotencyKeyProblem, idempotentDeploymentId } from "./deploymentIds.js";
import { readJsonBody } from "./jsonBody.js";
import { readTargetState } from "./targetState.js";
import {
  configurationInvalidProblem,
  digestQuarantinedProblem,
  forbiddenTargetProblem,
  idempotencyKeyReusedProblem,
  notFoundProblem,
  validationProblem,
} from "./requestProblems.js";

/** Handles `POST /api/deployments`; `now` stamps the request (unique and increasing per process, so the list orders by start). */
export async function startDeployment(request: HttpRequest, client: DurableClient, now: () => Date = nextStartStamp): Promise<HttpResponseInit> {
  const key = request.headers.get(IDEMPOTENCY_KEY_HEADER);
  if (key !== null) {
    const problem = idempotencyKeyProblem(key);
    if (problem) return validationProblem([{ pointer: `/headers/${IDEMPOTENCY_KEY_HEADER}`, detail: `Idempotency-Key ${problem}` }]);
  }

  const json = await readJsonBody(request);
  if (!json.ok) return json.response;
  const body = parseDeploymentRequestBody(json.value);
  if (!body.ok) return validationProblem(body.issues);

  const targets = currentTargets();
  if (!targets.ok) {
    // As the targets endpoints answer: every problem, located in the targets document.
    return configurationInvalidProblem(
      "The targets configuration (ACA_ROLLOUT_TARGETS or ACA_ROLLOUT_TARGETS_FILE) is invalid; nothing can be deployed until it is fixed.",
      targets.issues.map((issue) => ({ pointer: issue.path, detail: issue.message })),
    );
  }
  const target = findTarget(targets, body.value.target);
  if (!target) return notFoundProblem(`There is no target named ${JSON.stringify(body.value.target)}.`, "/target");

  const at = now();
  const deploymentId = key !== null ? idempotentDeploymentId(key) : freshDeploymentId(at);
  const statusUrl = deploymentStatusUrl(request, deploymentId);
  const composed = composeDeploymentInput(target, body.value, { deploymentId, requestedAt: at.toISOString(), statusUrl }, targets.allow);
  if (!composed.ok) {
    switch (composed.kind) {
      case "invalid":
        return validationProblem(composed.issues);
      case "forbidden":
        return forbiddenTargetProblem(composed.issues);
      case "configuration":
        return configurationInvalidProblem(
          `Target ${JSON.stringify(target.name)} does not make a valid deploy input; fix its configuration. Nothing was started.`,
          composed.issues.map((issue) => ({ pointer: `/targets/${targets.targets.indexOf(target)}${issue.path}`, detail: issue.message })),
        );
    }
  }

  if (key !== null) {
    const replay = await replayAnswer(request, client, composed.input);
    if (replay) return replay;
  }
  // A digest asked for by name is checked here so nothing starts; a tag is checked by the deploy
  // itself once it has resolved the digest (the same entity, so every trigger is held to it).
  const digest = composed.input.image.digest;
  if (digest !== undefined) {
    const { quarantine } = await readTargetState(client, composed.input.target);
    const entry = quarantine.find((q) => q.digest === digest);
    if (entry) return digestQuarantinedProblem(target.name, entry);
  }
  try {
    await client.startNew(ORCHESTRATIONS.deploy, { instanceId: deploymentId, input: composed.input });
  } catch (error) {
    // Two retries racing with one key: the loser finds the winner's instance and answers from it.
    const replay = key !== null ? await replayAnswer(request, client, composed.input) : undefined;
    if (replay) return replay;
    throw error;
  }
  return acceptedResponse(request, deploymentId);
}

/** The answer for a key already used: the first answer for the same request, `409` for another; undefined if unused. */
async function replayAnswer(request: HttpRequest, client: DurableClient, input: DeploymentInput): Promise<HttpResponseInit | undefined> {
  const existing = await readDeployInstance(client, input.deploymentId);
  if (!existing) return undefined;
  if (deploymentFingerprint(existing.input) !== deploymentFingerprint(input)) {
    return idempotencyKeyReusedProblem(`This Idempotency-Key already started deployment ${input.deploymentId} with a different request; use a new key for a new deployment.`);
  }
  return acceptedResponse(request, input.deploymentId);
}
