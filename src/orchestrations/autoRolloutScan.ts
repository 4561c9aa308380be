/**
 * `autoRolloutScan`: the reconcile scan for one target, for pushes no event reported (ACR does not
 * retry a failed webhook delivery, Azure/acr#681). Lists the repository through the data plane, takes
 * the newest tag the policy qualifies, and starts what a push of it would have started, unless the app
 * already runs it (then nothing is recorded: a scan of a current target is silent).
 */
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITIES } from "../activities/contracts.js";
import { scanCandidate } from "../policies/autoRolloutChoice.js";
import { isScanInput } from "./autoRolloutInput.js";
import { AUTO_ROLLOUT_RETRY, decideAndStart } from "./autoRolloutDecide.js";
import { activityRetryOptions } from "./activityRetry.js";
import { callActivity, type Flow } from "./calls.js";

/** What the scan found. */
export interface AutoRolloutScanOutput {
  /** The newest qualifying tag, when any. */
  newest?: string;
  deploymentId?: string;
  reason?: string;
}

/** The orchestrator function. */
export function* autoRolloutScanOrchestrator(context: OrchestrationContext): Flow<AutoRolloutScanOutput> {
  const input: unknown = context.df.getInput();
  if (!isScanInput(input)) return { reason: "invalid input" };
  const { target } = input;
  const policy = target.autoRollout?.tagPolicy;
  if (!policy || target.autoRollout?.enabled !== true) return { reason: "auto-rollout is off for this target" };
  const read = yield* callActivity(context, ACTIVITIES.readRepository, activityRetryOptions(AUTO_ROLLOUT_RETRY), {
    loginServer: target.image.loginServer,
    repository: target.image.repository,
    digests: [],
  });
  if (!read.ok) {
    if (!context.df.isReplaying) context.log(`Auto-rollout scan (target ${target.name}): the registry could not be read: ${read.failure.code}: ${read.failure.message}`);
    return { reason: `${read.failure.code}: ${read.failure.message}` };
  }
  const candidate = scanCandidate(policy, read.manifests);
  if (!candidate) return { reason: "no tag qualifies" };
  const result = yield* decideAndStart(context, target, [candidate], true, read.manifests);
  return { newest: candidate.tag, ...(result.deploymentId !== undefined ? { deploymentId: result.deploymentId } : {}) };
}
