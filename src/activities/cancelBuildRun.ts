/**
 * `cancelBuildRun`: asks ACR to cancel a run (deploy canceled or superseded) and reports the run's
 * status right after. It sends the cancel and does not follow the cancel operation: the status it
 * returns may still be `Running` for a moment, and the orchestrator does not need to wait for it.
 */
import type { BuildRunRef, CancelBuildRunOutput } from "./contracts.js";
import { failureOrThrow } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

/** Sends the cancel (a finished run is left as it is) and returns the run's status now. */
export async function cancelBuildRun(input: BuildRunRef, services: ActivityServices): Promise<CancelBuildRunOutput> {
  const { registry, runId } = input;
  const client = services.azure.containerRegistry(registry.subscriptionId);
  const where = `ACR run ${runId} of registry ${registry.name}`;
  try {
    // beginCancel returns once ACR has answered the POST (202 accepted, 200 already finished).
    await client.runs.beginCancel(registry.resourceGroup, registry.name, runId);
  } catch (error) {
    return { ok: false, failure: failureOrThrow(error, `cancel ${where}`) };
  }
  try {
    const run = await client.runs.get(registry.resourceGroup, registry.name, runId);
    return { ok: true, status: run.status ?? "Unknown" };
  } catch (error) {
    return { ok: false, failure: failureOrThrow(error, `read ${where}`) };
  }
}

/** The function the host invokes for `cancelBuildRun` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function cancelBuildRunActivity(input: BuildRunRef) {
  return cancelBuildRun(input, activityServices());
}
