/**
 * `deactivateRevision`: the last step of a Multiple-mode rollback, run once the previous revision is
 * verified to take all traffic. A revision that is already inactive (or gone) is left alone, so a
 * retry writes nothing.
 */
import type { DeactivateRevisionInput, DeactivateRevisionOutput } from "./contracts.js";
import { failureOrThrow, statusOf } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

/** Deactivates the revision unless it is already inactive. */
export async function deactivateRevision(input: DeactivateRevisionInput, services: ActivityServices): Promise<DeactivateRevisionOutput> {
  const { target, revisionName } = input;
  const revisions = services.azure.containerApps(target.subscriptionId).containerAppsRevisions;
  try {
    const revision = await revisions.getRevision(target.resourceGroup, target.containerApp, revisionName);
    if (revision.active === false) return { ok: true };
    await revisions.deactivateRevision(target.resourceGroup, target.containerApp, revisionName);
    return { ok: true };
  } catch (error) {
    const failure = failureOrThrow(error, `deactivate revision ${revisionName}`);
    return statusOf(error) === 404 ? { ok: true } : { ok: false, failure };
  }
}

/** The function the host invokes for `deactivateRevision` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function deactivateRevisionActivity(input: DeactivateRevisionInput) {
  return deactivateRevision(input, activityServices());
}
