/**
 * `autoRolloutPush`: one registry push for one target. The push is checked against the target's tag
 * policy, then joins the target's debounce window through its `autoRollout` entity. The push that
 * opens a window leads it: it waits out the window (a durable timer), closes it, and has the newest
 * qualifying image of every push in it deployed (`decideAndStart`); the others end at once. A window
 * that closes while a deploy runs is simply the next deploy: it queues on the app's single flight,
 * where only the newest waiter runs.
 */
import type { OrchestrationContext } from "durable-functions";
import { staleAfterSeconds, type Candidate } from "../domain/autoRollout.js";
import { pushProblem } from "../policies/autoRolloutChoice.js";
import { isPushInput } from "./autoRolloutInput.js";
import { autoRolloutEntityId, decideAndStart, recordDecisions } from "./autoRolloutDecide.js";
import { callAutoRolloutEntity, sleep, type Flow } from "./calls.js";

/** What the push led to, for the instance's output. */
export interface AutoRolloutPushOutput {
  role: "ignored" | "leader" | "coalesced" | "duplicate" | "failed";
  deploymentId?: string;
  reason?: string;
}

/** The orchestrator function. */
export function* autoRolloutPushOrchestrator(context: OrchestrationContext): Flow<AutoRolloutPushOutput> {
  const input: unknown = context.df.getInput();
  if (!isPushInput(input)) return { role: "failed", reason: "invalid input" };
  const { target, push, debounceSeconds } = input;
  const at = context.df.currentUtcDateTime.toISOString();
  const policy = target.autoRollout?.tagPolicy;
  const base = { at, via: push.source, digest: push.digest, eventId: push.eventId, ...(push.tag !== undefined ? { tag: push.tag } : {}) } as const;
  if (!policy || target.autoRollout?.enabled !== true) {
    recordDecisions(context, target.name, [{ ...base, kind: "ignored", reason: "auto-rollout is off for this target" }]);
    return { role: "ignored" };
  }
  const problem = pushProblem(policy, push);
  if (problem !== undefined || push.tag === undefined) {
    const reason = problem ?? "tagless push";
    recordDecisions(context, target.name, [{ ...base, kind: "ignored", reason }]);
    return { role: "ignored", reason };
  }

  const candidate: Omit<Candidate, "seq"> = { tag: push.tag, digest: push.digest, timestamp: push.timestamp, eventIds: [push.eventId], sources: [push.source] };
  const entity = autoRolloutEntityId(target.name);
  const me = context.df.instanceId;
  const arrived = yield* callAutoRolloutEntity(context, entity, "arrive", { instanceId: me, candidate, at, staleAfterSeconds: staleAfterSeconds(debounceSeconds) });
  if ("ok" in arrived) {
    recordDecisions(context, target.name, [{ ...base, kind: "ignored", reason: `the push could not join the debounce window (${arrived.failure.message}); the reconcile scan finds it` }]);
    return { role: "failed", reason: arrived.failure.message };
  }
  if (arrived.role !== "leader") return { role: arrived.role };

  if (debounceSeconds > 0) yield* sleep(context, new Date(Date.parse(at) + debounceSeconds * 1000));
  const closed = yield* callAutoRolloutEntity(context, entity, "closeWindow", { instanceId: me });
  // Taken over (this leader was too late to close its window): the new leader deploys its pushes.
  if ("ok" in closed || closed.candidates.length === 0) return { role: "leader", reason: "the window was taken over" };
  const result = yield* decideAndStart(context, target, closed.candidates, false);
  return { role: "leader", ...(result.deploymentId !== undefined ? { deploymentId: result.deploymentId } : {}) };
}
