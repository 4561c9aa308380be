/**
 * The handlers of `/api/targets` (registered in ../targets.ts, which documents the routes; imported
 * on the first request to one of them).
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { currentTargets, findTarget, type TargetsResult } from "../../config/targets.js";
import { DIGEST_PATTERN } from "../../domain/imageReference.js";
import { targetConfigurationView, type TargetDefinition } from "../../domain/target.js";
import type { TargetList, TargetResource } from "./apiTypes.js";
import { PROBLEM_TYPES, problemResponse } from "./problem.js";
import { releaseTargetLock } from "./releaseTargetLock.js";
import { readDecisions, readTargetState, targetEntityId } from "./targetState.js";

async function targetResource(client: df.DurableClient, target: TargetDefinition): Promise<TargetResource> {
  const [state, decisions] = await Promise.all([readTargetState(client, target.containerApp), readDecisions(client, target.name)]);
  return { name: target.name, configuration: targetConfigurationView(target), ...state, decisions };
}

/** The 503 every targets endpoint answers while the targets configuration is invalid. */
export function configurationInvalidResponse(result: Extract<TargetsResult, { ok: false }>): HttpResponseInit {
  return problemResponse({
    type: PROBLEM_TYPES.configurationInvalid,
    status: 503,
    detail: "The targets configuration (ACA_ROLLOUT_TARGETS or ACA_ROLLOUT_TARGETS_FILE) is invalid; no target can be used until it is fixed.",
    errors: result.issues.map((issue) => ({ pointer: issue.path, detail: issue.message })),
  });
}

function notFound(detail: string, pointer: string): HttpResponseInit {
  return problemResponse({ type: PROBLEM_TYPES.notFound, status: 404, detail, errors: [{ pointer, detail }] });
}

function unknownTarget(name: string): HttpResponseInit {
  return notFound(`No target is named ${JSON.stringify(name)}.`, "/path/name");
}

/** `DELETE /api/targets/{name}/lock`. */
export async function deleteTargetLock(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const targets = currentTargets();
  if (!targets.ok) return configurationInvalidResponse(targets);
  const name = request.params.name ?? "";
  const target = findTarget(targets, name);
  if (!target) return unknownTarget(name);
  return withStateStore(context, () => releaseTargetLock(request, df.getClient(context), target));
}

/** Answers a failed Durable client call without echoing its text (it may name internal endpoints). */
async function withStateStore(context: InvocationContext, work: () => Promise<HttpResponseInit>): Promise<HttpResponseInit> {
  try {
    return await work();
  } catch (error) {
    context.error(`Reading or signalling a deployTarget entity failed: ${error instanceof Error ? error.name : "error"}`);
    return problemResponse({ type: PROBLEM_TYPES.internal, status: 500, detail: "The targets' state could not be read or changed; try again." });
  }
}

/** `GET /api/targets`. */
export async function listTargets(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const targets = currentTargets();
  if (!targets.ok) return configurationInvalidResponse(targets);
  return withStateStore(context, async () => {
    const client = df.getClient(context);
    const body: TargetList = { value: await Promise.all(targets.targets.map((target) => targetResource(client, target))) };
    return { status: 200, jsonBody: body };
  });
}

/** `GET /api/targets/{name}`. */
export async function getTarget(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const targets = currentTargets();
  if (!targets.ok) return configurationInvalidResponse(targets);
  const name = request.params.name ?? "";
  const target = findTarget(targets, name);
  if (!target) return unknownTarget(name);
  return withStateStore(context, async () => ({ status: 200, jsonBody: await targetResource(df.getClient(context), target) }));
}

/**
 * `DELETE /api/targets/{name}/quarantine/{digest}`: reads the entity first, so a digest that is not
 * quarantined is a 404 rather than a silent success, then signals `liftQuarantine`. The entity applies
 * the signal after the 204 (usually within a second); lifting twice is harmless.
 */
export async function liftTargetQuarantine(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const targets = currentTargets();
  if (!targets.ok) return configurationInvalidResponse(targets);
  const name = request.params.name ?? "";
  const target = findTarget(targets, name);
  if (!target) return unknownTarget(name);
  const digest = request.params.digest ?? "";
  if (!DIGEST_PATTERN.test(digest)) {
    const detail = 'The digest must be "sha256:" followed by 64 lowercase hex digits.';
    return problemResponse({ type: PROBLEM_TYPES.validation, status: 400, detail, errors: [{ pointer: "/path/digest", detail }] });
  }
  return withStateStore(context, async () => {
    const client = df.getClient(context);
    const { quarantine } = await readTargetState(client, target.containerApp);
    if (!quarantine.some((entry) => entry.digest === digest)) return notFound(`${digest} is not quarantined for target ${JSON.stringify(name)}.`, "/path/digest");
    await client.signalEntity(targetEntityId(target.containerApp), "liftQuarantine", { digest });
    return { status: 204 };
  });
}
