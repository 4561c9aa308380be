/**
 * The end of every auto-rollout path (a closed debounce window, a scan finding): read the registry,
 * the app and its quarantine, choose the image (`chooseImage`), start its deploy under the id derived
 * from target and digest, and record and log every decision. Deterministic: reads are activities and
 * entity calls, the time is the orchestration's.
 */
import type { OrchestrationContext } from "durable-functions";
import * as df from "durable-functions";
import { ACTIVITIES } from "../activities/contracts.js";
import type { AutoRolloutDecision, Candidate, RepositoryManifest } from "../domain/autoRollout.js";
import { composeDeploymentInput } from "../domain/deploymentRequest.js";
import type { TargetDefinition } from "../domain/target.js";
import { autoRolloutKey, ENTITIES, targetKey } from "../entities/names.js";
import { activityRetryOptions } from "./activityRetry.js";
import { callActivity, callTargetEntity, type Flow } from "./calls.js";
import { autoDeploymentId, chooseImage } from "../policies/autoRolloutChoice.js";

/** Activity retries for auto-rollout's reads and starts (the deploy input's defaults). */
export const AUTO_ROLLOUT_RETRY = { maxAttempts: 3, firstIntervalSeconds: 5, backoffCoefficient: 2, maxIntervalSeconds: 60 } as const;

/** The target's `autoRollout` entity. */
export function autoRolloutEntityId(targetName: string): df.EntityId {
  return new df.EntityId(ENTITIES.autoRollout, autoRolloutKey(targetName));
}

/** Records decisions on the target's entity and logs each (once: not while replaying). */
export function recordDecisions(context: OrchestrationContext, targetName: string, decisions: readonly AutoRolloutDecision[]): void {
  if (decisions.length === 0) return;
  context.df.signalEntity(autoRolloutEntityId(targetName), "record", { decisions: [...decisions] });
  if (context.df.isReplaying) return;
  for (const d of decisions) {
    const what = [d.tag !== undefined ? `tag ${d.tag}` : "", d.digest !== undefined ? d.digest : "", d.deploymentId !== undefined ? `deploy ${d.deploymentId}` : ""].filter((p) => p !== "").join(", ");
    context.log(`Auto-rollout (target ${targetName}, via ${d.via}): ${d.kind}${what ? ` [${what}]` : ""}: ${d.reason}`);
  }
}

/** What {@link decideAndStart} did. */
export interface DecideResult {
  deploymentId?: string;
  decisions: AutoRolloutDecision[];
}

/**
 * Chooses among `candidates` and starts the deploy. `manifests` are passed when the caller has just
 * read the repository (the scan); otherwise the repository is read here, asking for the pushed digests.
 */
export function* decideAndStart(context: OrchestrationContext, target: TargetDefinition, candidates: readonly Candidate[], scan: boolean, manifests?: RepositoryManifest[]): Flow<DecideResult> {
  const at = context.df.currentUtcDateTime.toISOString();
  const retry = activityRetryOptions(AUTO_ROLLOUT_RETRY);
  const policy = target.autoRollout?.tagPolicy ?? { kind: "any" as const };
  const newest = candidates[candidates.length - 1];
  const finish = (decisions: AutoRolloutDecision[], deploymentId?: string): DecideResult => {
    recordDecisions(context, target.name, decisions);
    return { decisions, ...(deploymentId !== undefined ? { deploymentId } : {}) };
  };
  const viaOf = (candidate: Candidate | undefined) => (scan ? "scan" : (candidate?.sources[0] ?? "webhook"));

  let listed = manifests;
  if (listed === undefined) {
    const read = yield* callActivity(context, ACTIVITIES.readRepository, retry, {
      loginServer: target.image.loginServer,
      repository: target.image.repository,
      digests: [...new Set(candidates.map((c) => c.digest))],
    });
    if (!read.ok) {
      const reason = `the registry could not be read (${read.failure.code}: ${read.failure.message}); nothing started, the reconcile scan tries again`;
      return finish([{ at, kind: "ignored", via: viaOf(newest), ...(newest ? { tag: newest.tag, digest: newest.digest } : {}), reason }]);
    }
    listed = read.manifests;
  }

  const inspected = yield* callActivity(context, ACTIVITIES.inspectTarget, retry, { target: target.containerApp, loginServer: target.image.loginServer });
  const runningDigest = "snapshot" in inspected ? inspected.snapshot.currentDigest : undefined;
  const record = yield* callTargetEntity(context, new df.EntityId(ENTITIES.deployTarget, targetKey(target.containerApp)), "get", undefined);
  const quarantined = "queue" in record ? record.quarantine.map((q) => q.digest) : [];

  const { choice, decisions } = chooseImage(policy, candidates, { manifests: listed, quarantined, ...(runningDigest !== undefined ? { runningDigest } : {}) }, at, scan);
  if (!choice) return finish(decisions);

  const deploymentId = autoDeploymentId(target.name, choice.digest);
  const via = scan ? "scan" : (choice.sources[0] ?? "webhook");
  const coalesced = candidates.length;
  const { build: _build, ...withoutBuild } = target;
  const composed = composeDeploymentInput(withoutBuild, { target: target.name, digest: choice.digest }, {
    deploymentId,
    requestedAt: at,
    trigger: { kind: via, tag: choice.tag, ...(choice.eventIds.length > 0 ? { eventIds: choice.eventIds.slice(-20) } : {}), ...(scan ? {} : { coalesced }) },
  });
  const base = { at, via, tag: choice.tag, digest: choice.digest, deploymentId } as const;
  if (!composed.ok) {
    const why = composed.issues.map((i) => ("pointer" in i ? `${i.pointer} ${i.detail}` : `${i.path} ${i.message}`)).join("; ");
    return finish([...decisions, { ...base, kind: "ignored", reason: `target ${target.name} does not make a valid deploy input: ${why}` }]);
  }
  const started = yield* callActivity(context, ACTIVITIES.startAutoDeploy, retry, { input: composed.input });
  const moved = choice.movedFrom !== undefined ? `; tag ${choice.tag} had moved on from the pushed ${choice.movedFrom.slice(0, 19)}… to this newer image` : "";
  if ("ok" in started) {
    return finish([...decisions, { ...base, kind: "ignored", reason: `the deploy could not be started (${started.failure.code}: ${started.failure.message})` }]);
  }
  if (!started.started) {
    return finish([...decisions, { ...base, kind: "deduped", reason: `deploy ${deploymentId} for this digest already exists (${started.runtimeStatus}); nothing new started` }], deploymentId);
  }
  const kind = scan ? "foundByScan" : "started";
  const reason = scan
    ? `the scan found ${choice.tag} (not running, no event reported it) and started deploy ${deploymentId}`
    : `started deploy ${deploymentId}${coalesced > 1 ? ` for the newest of ${coalesced} pushes in the window` : ""}${moved}`;
  return finish([...decisions, { ...base, kind, reason }], deploymentId);
}
