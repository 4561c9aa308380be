/**
 * Where both push channels meet: a build's own `deploy-<id>` tag is handed to that deploy's build wait
 * (`raiseBuildPushSignal`), and any other push starts one `autoRolloutPush` orchestration per target
 * that follows the repository (its image's login server, i.e. the payload's `request.host`, and
 * repository) with auto-rollout on. Nothing here waits on the registry or Azure: the trust check,
 * dedupe and coalescing happen in the orchestrations, so the webhook can answer at once.
 *
 * Fast path: a push of an image (target, tag, digest) this process handed on less than one debounce
 * window ago does not start an orchestration of its own; it joins the target's window through a
 * batched entity signal (./recentPushes.ts, ./joinBatcher.ts), with the same decisions recorded. The
 * answer is the same either way, and is only sent once the push is in the Durable store.
 */
import type { DurableClient } from "durable-functions";
import { wallClockNow } from "../../config/wallClock.js";
import { staleAfterSeconds, type RegistryPush } from "../../domain/autoRollout.js";
import type { TargetDefinition } from "../../domain/target.js";
import type { AutoRolloutPushInput } from "../../orchestrations/autoRolloutInput.js";
import { ORCHESTRATIONS } from "../../orchestrations/names.js";
import { deployIdOfTag, raiseBuildPushSignal, type BuildPushSignalOutcome } from "../signals/buildPushSignal.js";
import { JoinBatcher } from "./joinBatcher.js";
import { RecentPushes } from "./recentPushes.js";

/** The targets a push concerns: same login server (case-insensitive) and repository, auto-rollout on. */
export function targetsFollowing(targets: readonly TargetDefinition[], push: Pick<RegistryPush, "loginServer" | "repository">): TargetDefinition[] {
  return targets.filter((t) => t.autoRollout?.enabled === true && t.image.loginServer.toLowerCase() === push.loginServer && t.image.repository === push.repository);
}

/** What taking a push did. */
export type IntakeResult = { kind: "buildSignal"; outcome: BuildPushSignalOutcome } | { kind: "noTarget" } | { kind: "started"; targets: string[] };

/** The Durable client calls intake makes. */
export type IntakeClient = Pick<DurableClient, "getStatus" | "raiseEvent" | "startNew" | "signalEntity">;

/** The fast path's state: one per process (module-level in the function app), or a test's own. */
export interface IntakeMemory {
  recent: RecentPushes;
  joins: JoinBatcher;
  /** Milliseconds since the epoch; the functions' wall clock. */
  now(): number;
}

/** The process's fast-path state. */
export const processIntakeMemory: IntakeMemory = { recent: new RecentPushes(), joins: new JoinBatcher(), now: () => wallClockNow().getTime() };

/** Hands a push on: to a build wait, or to one orchestration per following target (or its window, see the fast path). */
export async function takePush(client: IntakeClient, push: RegistryPush, targets: readonly TargetDefinition[], debounceSeconds: number, memory: IntakeMemory = processIntakeMemory): Promise<IntakeResult> {
  const deployId = push.tag !== undefined ? deployIdOfTag(push.tag) : undefined;
  if (deployId !== undefined && push.tag !== undefined) {
    const outcome = await raiseBuildPushSignal(client, deployId, { digest: push.digest, tag: push.tag, repository: push.repository, host: push.loginServer });
    return { kind: "buildSignal", outcome };
  }
  const following = targetsFollowing(targets, push);
  if (following.length === 0) return { kind: "noTarget" };
  await Promise.all(following.map((target) => handOn(client, target, push, debounceSeconds, memory)));
  return { kind: "started", targets: following.map((t) => t.name) };
}

/** Hands one push to one target: joins the window of the same image's recent hand-over, else starts `autoRolloutPush`. */
async function handOn(client: IntakeClient, target: TargetDefinition, push: RegistryPush, debounceSeconds: number, memory: IntakeMemory): Promise<void> {
  const start = async (): Promise<void> => {
    const input: AutoRolloutPushInput = { target, push, debounceSeconds };
    await client.startNew(ORCHESTRATIONS.autoRolloutPush, { input });
  };
  // Only a push that can join a window: a tagged one, with a window to join.
  if (push.tag === undefined || debounceSeconds <= 0) return start();
  const key = RecentPushes.key(target.name, push.tag, push.digest);
  const now = memory.now();
  const earlier = memory.recent.find(key, now);
  if (earlier !== undefined && (await earlier)) {
    const at = new Date(now).toISOString();
    const candidate = { tag: push.tag, digest: push.digest, timestamp: push.timestamp, eventIds: [push.eventId], sources: [push.source] };
    try {
      await memory.joins.join(client, target.name, { candidate, at }, staleAfterSeconds(debounceSeconds));
      return;
    } catch {
      // The signal did not make it: the full way below still hands the push on.
    }
  }
  const started = start();
  memory.recent.remember(
    key,
    started.then(
      () => true,
      () => false,
    ),
    now + debounceSeconds * 1000,
  );
  return started;
}

/** A short description of a push for logs (no secrets in it: the payload carries none). */
export function describePush(push: RegistryPush): string {
  return `${push.loginServer}/${push.repository}${push.tag !== undefined ? `:${push.tag}` : ""}@${push.digest} (${push.source} event ${push.eventId})`;
}
