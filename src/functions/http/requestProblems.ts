/**
 * The problem responses the deployments API answers with, each with its stable type, status and
 * title in one place, so every endpoint says "not found" or "invalid" the same way.
 */
import type { HttpResponseInit } from "@azure/functions";
import { PROBLEM_TYPES, problemResponse, type ProblemError, type QuarantineProblemDetail } from "./problem.js";

/** `400`: the request is invalid; one error per problem. */
export function validationProblem(errors: ProblemError[], detail = "The request is invalid; see errors for each problem."): HttpResponseInit {
  return problemResponse({ type: PROBLEM_TYPES.validation, status: 400, detail, errors });
}

/** `404`: no such resource. */
export function notFoundProblem(detail: string, pointer: string): HttpResponseInit {
  return problemResponse({ type: PROBLEM_TYPES.notFound, status: 404, detail, errors: [{ pointer, detail }] });
}

/** `409`: the resource is not in a state that allows the request. */
export function conflictProblem(detail: string, pointer = ""): HttpResponseInit {
  return problemResponse({ type: PROBLEM_TYPES.conflict, status: 409, detail, errors: [{ pointer, detail }] });
}

/** `409`: the idempotency key already named a different request. */
export function idempotencyKeyReusedProblem(detail: string): HttpResponseInit {
  return problemResponse({ type: PROBLEM_TYPES.idempotencyKeyReused, status: 409, detail, errors: [{ pointer: "/headers/idempotency-key", detail }] });
}

/** `409`: the digest is quarantined for the target's app; says who quarantined it and how to lift it. */
export function digestQuarantinedProblem(targetName: string, quarantine: Omit<QuarantineProblemDetail, "lift">, pointer = "/digest"): HttpResponseInit {
  const lift = `DELETE /api/targets/${targetName}/quarantine/${quarantine.digest}`;
  const detail =
    `${quarantine.digest} is quarantined for target ${JSON.stringify(targetName)}: deploy ${quarantine.deploymentId} quarantined it at ${quarantine.at} (${quarantine.reason}). ` +
    `Nothing was started. Lift the quarantine with ${lift} to deploy it again.`;
  return problemResponse({ type: PROBLEM_TYPES.digestQuarantined, status: 409, detail, errors: [{ pointer, detail }], quarantine: { ...quarantine, lift } });
}

/** `403`: the request names a scope outside the allow list. */
export function forbiddenTargetProblem(errors: ProblemError[]): HttpResponseInit {
  return problemResponse({ type: PROBLEM_TYPES.forbiddenTarget, status: 403, detail: "The request names a scope outside the configured allow list.", errors });
}

/** `503`: the targets configuration cannot be used, so nothing may start. */
export function configurationInvalidProblem(detail: string, errors: ProblemError[] = [{ pointer: "", detail }]): HttpResponseInit {
  return problemResponse({ type: PROBLEM_TYPES.configurationInvalid, status: 503, detail, errors });
}

/** `500`: an unexpected failure; the detail never carries the error's text (it may hold internals). */
export function internalProblem(): HttpResponseInit {
  const detail = "The request failed unexpectedly; it is logged with this invocation. Retry later.";
  return problemResponse({ type: PROBLEM_TYPES.internal, status: 500, detail, errors: [{ pointer: "", detail }] });
}
