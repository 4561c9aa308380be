/**
 * What aca-rollout remembers about a target's app, read from its `deployTarget` entity through the
 * Durable client: last known good, last deployment, quarantined digests, who holds the app and the
 * lock releases done on a holder's behalf. The entity's state is JSON this module does not control,
 * so it is read defensively; an app never deployed has no entity yet, which reads as an empty record.
 */
import * as df from "durable-functions";
import type { DeploymentTarget } from "../../domain/deployment.js";
import { autoRolloutKey, ENTITIES, targetKey } from "../../entities/names.js";
import type { AutoRolloutDecisionResource, QuarantineResource, TargetHistoryResource, TargetResource } from "./apiTypes.js";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const stringField = (value: unknown, key: string): string | undefined => (isObject(value) && typeof value[key] === "string" ? value[key] : undefined);

/** The remembered part of a target resource. */
export type TargetState = Pick<TargetResource, "lastKnownGood" | "lastDeployment" | "quarantine" | "lock" | "history">;

const DECISION_KINDS: readonly AutoRolloutDecisionResource["kind"][] = ["started", "ignored", "deduped", "coalesced", "foundByScan"];
const DECISION_VIAS: readonly AutoRolloutDecisionResource["via"][] = ["webhook", "eventGrid", "scan"];

/** Auto-rollout's decisions, read defensively from the target's `autoRollout` entity state. */
export function decisionsOf(state: unknown): AutoRolloutDecisionResource[] {
  const decisions: AutoRolloutDecisionResource[] = [];
  const entries = isObject(state) && Array.isArray(state.decisions) ? state.decisions : [];
  for (const entry of entries) {
    const at = stringField(entry, "at");
    const kind = DECISION_KINDS.find((k) => k === stringField(entry, "kind"));
    const via = DECISION_VIAS.find((v) => v === stringField(entry, "via"));
    const reason = stringField(entry, "reason");
    if (at === undefined || kind === undefined || via === undefined || reason === undefined) continue;
    const decision: AutoRolloutDecisionResource = { at, kind, via, reason };
    for (const key of ["tag", "digest", "eventId", "deploymentId"] as const) {
      const value = stringField(entry, key);
      if (value !== undefined) decision[key] = value;
    }
    decisions.push(decision);
  }
  return decisions;
}

/** Reads a target's auto-rollout decisions (empty for a target no push has concerned yet). */
export async function readDecisions(client: Pick<df.DurableClient, "readEntityState">, targetName: string): Promise<AutoRolloutDecisionResource[]> {
  const response = await client.readEntityState<unknown>(new df.EntityId(ENTITIES.autoRollout, autoRolloutKey(targetName)));
  return decisionsOf(response.entityExists ? response.entityState : undefined);
}

const HISTORY_EVENTS: readonly TargetHistoryResource["event"][] = ["lock-released-by-hand", "lock-released-holder-ended"];

function quarantineOf(state: unknown): QuarantineResource[] {
  const quarantine: QuarantineResource[] = [];
  const entries = isObject(state) && Array.isArray(state.quarantine) ? state.quarantine : [];
  for (const entry of entries) {
    const digest = stringField(entry, "digest");
    const deploymentId = stringField(entry, "deploymentId");
    const reason = stringField(entry, "reason");
    const at = stringField(entry, "at");
    if (digest !== undefined && deploymentId !== undefined && reason !== undefined && at !== undefined) quarantine.push({ digest, deploymentId, reason, at });
  }
  return quarantine;
}

function historyOf(state: unknown): TargetHistoryResource[] {
  const history: TargetHistoryResource[] = [];
  const entries = isObject(state) && Array.isArray(state.history) ? state.history : [];
  for (const entry of entries) {
    const at = stringField(entry, "at");
    const event = HISTORY_EVENTS.find((e) => e === stringField(entry, "event"));
    const holder = stringField(entry, "holder");
    const reason = stringField(entry, "reason");
    if (at !== undefined && event !== undefined && holder !== undefined && reason !== undefined) history.push({ at, event, holder, reason });
  }
  return history;
}

function lockOf(state: unknown): TargetResource["lock"] {
  const queue = isObject(state) ? state.queue : undefined;
  const holder = stringField(queue, "holder");
  if (holder === undefined) return undefined;
  const waiting = isObject(queue) && Array.isArray(queue.waiting) ? queue.waiting.filter((id): id is string => typeof id === "string") : [];
  return { holder, waiting };
}

/** The remembered state of a target, read defensively from the entity's state. */
export function targetStateOf(state: unknown): TargetState {
  const result: TargetState = { quarantine: quarantineOf(state), history: historyOf(state) };
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
  const lock = lockOf(state);
  if (lock !== undefined) result.lock = lock;
  return result;
}

/** The app's `deployTarget` entity. */
export function targetEntityId(app: Pick<DeploymentTarget, "subscriptionId" | "resourceGroup" | "containerApp">): df.EntityId {
  return new df.EntityId(ENTITIES.deployTarget, targetKey(app));
}

/** Reads the app's remembered state (empty for an app never deployed). */
export async function readTargetState(client: Pick<df.DurableClient, "readEntityState">, app: Pick<DeploymentTarget, "subscriptionId" | "resourceGroup" | "containerApp">): Promise<TargetState> {
  const response = await client.readEntityState<unknown>(targetEntityId(app));
  return targetStateOf(response.entityExists ? response.entityState : undefined);
}
