/**
 * The reconcile scan's timer: for every target with auto-rollout on, one `autoRolloutScan`
 * orchestration that lists the repository and deploys the newest qualifying image the app does not
 * run yet (for the pushes no event reported).
 */
import type { InvocationContext } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { currentTargets } from "../../config/targets.js";
import type { AutoRolloutScanInput } from "../../orchestrations/autoRolloutInput.js";
import { ORCHESTRATIONS } from "../../orchestrations/names.js";

/** Starts one scan per auto-rollout target; returns their names. */
export async function reconcileScan(context: InvocationContext, client: Pick<DurableClient, "startNew">): Promise<string[]> {
  const targets = currentTargets();
  if (!targets.ok) {
    context.warn("Auto-rollout scan skipped: the targets configuration is invalid");
    return [];
  }
  const scanned = targets.targets.filter((t) => t.autoRollout?.enabled === true);
  await Promise.all(
    scanned.map((target) => {
      const input: AutoRolloutScanInput = { target };
      return client.startNew(ORCHESTRATIONS.autoRolloutScan, { input });
    }),
  );
  if (scanned.length > 0) context.log(`Auto-rollout scan started for ${scanned.map((t) => t.name).join(", ")}`);
  return scanned.map((t) => t.name);
}
