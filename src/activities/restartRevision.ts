/**
 * `restartRevision`: restarts a revision's replicas (the first fallback for a revision that came up
 * unhealthy). ARM answers synchronously; the orchestrator verifies the outcome with `readRevision`.
 */
import type { RestartRevisionInput, RestartRevisionOutput } from "./contracts.js";
import { failureOrThrow } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

/** POSTs restart; a refused restart (e.g. revision not provisioned or inactive) is an outcome with ARM's code. */
export async function restartRevision(input: RestartRevisionInput, services: ActivityServices): Promise<RestartRevisionOutput> {
  const { target, revisionName } = input;
  try {
    await services.azure.containerApps(target.subscriptionId).containerAppsRevisions.restartRevision(target.resourceGroup, target.containerApp, revisionName);
    return { ok: true };
  } catch (error) {
    return { ok: false, failure: failureOrThrow(error, `restart revision ${revisionName}`) };
  }
}

/** The function the host invokes for `restartRevision` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function restartRevisionActivity(input: RestartRevisionInput) {
  return restartRevision(input, activityServices());
}
