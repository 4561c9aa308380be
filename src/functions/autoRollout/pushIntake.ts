/**
 * Where both push channels meet: a build's own `deploy-<id>` tag is handed to that deploy's build wait
 * (`raiseBuildPushSignal`), and any other push starts one `autoRolloutPush` orchestration per target
 * that follows the repository (its image's login server, i.e. the payload's `request.host`, and
 * repository) with auto-rollout on. Nothing here waits on the registry or Azure: the trust check,
 * dedupe and coalescing happen in the orchestrations, so the webhook can answer at once.
 */
import type { DurableClient } from "durable-functions";
import type { RegistryPush } from "../../domain/autoRollout.js";
import type { TargetDefinition } from "../../domain/target.js";
import type { AutoRolloutPushInput } from "../../orchestrations/autoRolloutInput.js";
import { ORCHESTRATIONS } from "../../orchestrations/names.js";
import { deployIdOfTag, raiseBuildPushSignal, type BuildPushSignalOutcome } from "../signals/buildPushSignal.js";

/** The targets a push concerns: same login server (case-insensitive) and repository, auto-rollout on. */
export function targetsFollowing(targets: readonly TargetDefinition[], push: Pick<RegistryPush, "loginServer" | "repository">): TargetDefinition[] {
  return targets.filter((t) => t.autoRollout?.enabled === true && t.image.loginServer.toLowerCase() === push.loginServer && t.image.repository === push.repository);
}

/** What taking a push did. */
export type IntakeResult = { kind: "buildSignal"; outcome: BuildPushSignalOutcome } | { kind: "noTarget" } | { kind: "started"; targets: string[] };

/** Hands a push on: to a build wait, or to one orchestration per following target. */
export async function takePush(client: Pick<DurableClient, "getStatus" | "raiseEvent" | "startNew">, push: RegistryPush, targets: readonly TargetDefinition[], debounceSeconds: number): Promise<IntakeResult> {
  const deployId = push.tag !== undefined ? deployIdOfTag(push.tag) : undefined;
  if (deployId !== undefined && push.tag !== undefined) {
    const outcome = await raiseBuildPushSignal(client, deployId, { digest: push.digest, tag: push.tag, repository: push.repository, host: push.loginServer });
    return { kind: "buildSignal", outcome };
  }
  const following = targetsFollowing(targets, push);
  if (following.length === 0) return { kind: "noTarget" };
  await Promise.all(
    following.map((target) => {
      const input: AutoRolloutPushInput = { target, push, debounceSeconds };
      return client.startNew(ORCHESTRATIONS.autoRolloutPush, { input });
    }),
  );
  return { kind: "started", targets: following.map((t) => t.name) };
}

/** A short description of a push for logs (no secrets in it: the payload carries none). */
export function describePush(push: RegistryPush): string {
  return `${push.loginServer}/${push.repository}${push.tag !== undefined ? `:${push.tag}` : ""}@${push.digest} (${push.source} event ${push.eventId})`;
}
