/**
 * `getBuildRun`: one read of the build run's status, for the orchestrator's timer-spaced polling.
 */
import type { Run } from "@azure/arm-containerregistry";
import type { BuildRunRef, BuildRunState, GetBuildRunOutput } from "./contracts.js";
import { failureOrThrow } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

/** The contract's view of an ACR run (ISO times, only the image fields ACR reported). */
export function buildRunStateOf(run: Run, runId: string): BuildRunState {
  const state: BuildRunState = {
    runId: run.runId ?? runId,
    status: run.status ?? "Unknown",
    outputImages: (run.outputImages ?? []).map((image) => {
      const out: BuildRunState["outputImages"][number] = {};
      if (image.registry !== undefined) out.registry = image.registry;
      if (image.repository !== undefined) out.repository = image.repository;
      if (image.tag !== undefined) out.tag = image.tag;
      if (image.digest !== undefined) out.digest = image.digest;
      return out;
    }),
  };
  if (run.startTime) state.startTime = run.startTime.toISOString();
  if (run.finishTime) state.finishTime = run.finishTime.toISOString();
  return state;
}

/** Reads the run; a run ACR does not know is an outcome, not an error. */
export async function getBuildRun(input: BuildRunRef, services: ActivityServices): Promise<GetBuildRunOutput> {
  const { registry, runId } = input;
  const client = services.azure.containerRegistry(registry.subscriptionId);
  try {
    const run = await client.runs.get(registry.resourceGroup, registry.name, runId);
    return { ok: true, run: buildRunStateOf(run, runId) };
  } catch (error) {
    return { ok: false, failure: failureOrThrow(error, `read ACR run ${runId} of registry ${registry.name}`) };
  }
}

/** The function the host invokes for `getBuildRun` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function getBuildRunActivity(input: BuildRunRef) {
  return getBuildRun(input, activityServices());
}
