/**
 * `/api/targets` (function key): the configured targets with what aca-rollout remembers about each
 * app (last known good, last deployment, quarantined digests), and lifting a quarantine.
 *
 * The remembered state lives in the app's `deployTarget` entity and is read through the Durable
 * client; an app never deployed has no entity yet, which reads as an empty record. Configuration is
 * shown through `targetConfigurationView`, so secrets appear only as the names of their settings.
 * An invalid targets configuration makes every endpoint here answer 503 with each problem listed.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { currentTargets, findTarget, type TargetsResult } from "../config/targets.js";
import { DIGEST_PATTERN } from "../domain/imageReference.js";
import { targetConfigurationView, type TargetDefinition } from "../domain/target.js";
import { ENTITIES, targetKey } from "../entities/names.js";
import type { QuarantineResource, TargetList, TargetResource } from "./http/apiTypes.js";
import { PROBLEM_TYPES, problemResponse } from "./http/problem.js";
// The entity must be registered wherever it is signalled from; importing it twice is harmless.
import "../entities/deployTarget.js";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const stringField = (value: unknown, key: string): string | undefined => (isObject(value) && typeof value[key] === "string" ? value[key] : undefined);

/** The remembered state of a target, read defensively: the entity's state is JSON this module does not control. */
export function targetStateOf(state: unknown): Pick<TargetResource, "lastKnownGood" | "lastDeployment" | "quarantine"> {
  const quarantine: QuarantineResource[] = [];
  const entries = isObject(state) && Array.isArray(state.quarantine) ? state.quarantine : [];
  for (const entry of entries) {
    const digest = stringField(entry, "digest");
    const deploymentId = stringField(entry, "deploymentId");
    const reason = stringField(entry, "reason");
    const at = stringField(entry, "at");
    if (digest !== undefined && deploymentId !== undefined && reason !== undefined && at !== undefined) quarantine.push({ digest, deploymentId, reason, at });
  }
  const result: Pick<TargetResource, "lastKnownGood" | "lastDeployment" | "quarantine"> = { quarantine };
  const good = isObject(state) ? state.lastKnownGood : undefined;
  const revision = stringField(good, "revision");
  const image = stringField(good, "image");
  const goodAt = stringField(good, "at");
  if (revision !== undefined && image !== undefined && goodAt !== undefined) {
    const digest = stringField(good, "digest");
    const deploymentId = stringField(good, "deploymentId");
    result.lastKnownGood = { revision, image, ...(digest !== undefined ? { digest } : {}), ...(deploymentId !== undefined ? { deploymentId } : {}), at: goodAt };
  }
  const last = isObject(state) ? state.lastDeployment : undefined;
  const id = stringField(last, "deploymentId");
  const outcome = stringField(last, "outcome");
  const lastAt = stringField(last, "at");
  if (id !== undefined && outcome !== undefined && lastAt !== undefined) result.lastDeployment = { id, outcome, at: lastAt };
  return result;
}

function entityIdOf(target: TargetDefinition): df.EntityId {
  return new df.EntityId(ENTITIES.deployTarget, targetKey(target.containerApp));
}

async function readState(client: df.DurableClient, target: TargetDefinition): Promise<unknown> {
  const response = await client.readEntityState<unknown>(entityIdOf(target));
  return response.entityExists ? response.entityState : undefined;
}

async function targetResource(client: df.DurableClient, target: TargetDefinition): Promise<TargetResource> {
  return { name: target.name, configuration: targetConfigurationView(target), ...targetStateOf(await readState(client, target)) };
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
    const { quarantine } = targetStateOf(await readState(client, target));
    if (!quarantine.some((entry) => entry.digest === digest)) return notFound(`${digest} is not quarantined for target ${JSON.stringify(name)}.`, "/path/digest");
    await client.signalEntity(entityIdOf(target), "liftQuarantine", { digest });
    return { status: 204 };
  });
}

const durableClient = df.input.durableClient();

app.http("listTargets", { methods: ["GET"], authLevel: "function", route: "targets", extraInputs: [durableClient], handler: listTargets });
app.http("getTarget", { methods: ["GET"], authLevel: "function", route: "targets/{name}", extraInputs: [durableClient], handler: getTarget });
app.http("liftTargetQuarantine", {
  methods: ["DELETE"],
  authLevel: "function",
  route: "targets/{name}/quarantine/{digest}",
  extraInputs: [durableClient],
  handler: liftTargetQuarantine,
});
