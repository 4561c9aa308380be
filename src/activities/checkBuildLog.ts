/**
 * `checkBuildLog`: one look at an ACR run's log blob, for the build wait's frequent checks between its
 * ARM reads. It tells a finished run the way `az acr build` does (azure-cli,
 * src/azure-cli/azure/cli/command_modules/acr/_stream_utils.py, `_blob_is_not_complete(metadata)` and
 * `_get_run_status(metadata)`): once a run is final, ACR sets the log blob's metadata `Complete` (any
 * case) to the run's status. So a check is one blob properties read on the storage data plane, not an
 * ARM read. The log link (ARM `listLogSasUrl`) is fetched once per run and process and kept in memory
 * (src/azure/runLogUrls.ts), and fetched again when storage refuses it (an expired SAS). The link is a
 * credential: it is never returned, logged or put into a reason.
 */
import { forgetRunLogUrl, rememberRunLogUrl, runLogUrl } from "../azure/runLogUrls.js";
import type { BuildRunRef, CheckBuildLogOutput } from "./contracts.js";
import { failureOrThrow, statusOf } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

/** The status a log blob's `Complete` metadata names (the key in any case, as azure-cli compares it), or undefined while unmarked. */
export function completeMark(metadata: Record<string, string> | undefined): string | undefined {
  for (const [key, value] of Object.entries(metadata ?? {})) if (key.toLowerCase() === "complete") return value.trim().slice(0, 64);
  return undefined;
}

/** The in-memory key of a run's log link. */
function runKeyOf({ registry, runId }: BuildRunRef): string {
  return `${registry.subscriptionId}/${registry.resourceGroup}/${registry.name}/${runId}`.toLowerCase();
}

/** Reads the run's log blob properties and says whether ACR has marked the run complete. */
export async function checkBuildLog(input: BuildRunRef, services: ActivityServices): Promise<CheckBuildLogOutput> {
  const { registry, runId } = input;
  const where = `ACR run ${runId} of registry ${registry.name}`;
  const key = runKeyOf(input);
  let url = runLogUrl(key);
  let fresh = false;
  for (;;) {
    if (url === undefined) {
      try {
        url = (await services.azure.containerRegistry(registry.subscriptionId).runs.getLogSasUrl(registry.resourceGroup, registry.name, runId)).logLink;
      } catch (error) {
        const failure = failureOrThrow(error, `get the log link of ${where}`);
        return { state: "unavailable", reason: failure.message, ...(failure.statusCode !== undefined ? { statusCode: failure.statusCode } : {}) };
      }
      if (!url) return { state: "unavailable", reason: `ACR gave no log link for ${where}` };
      fresh = true;
      rememberRunLogUrl(key, url);
    }
    try {
      const status = completeMark((await services.azure.blobClient(url).getProperties()).metadata);
      if (status === undefined) return { state: "running" };
      // Final: no later check needs the link.
      forgetRunLogUrl(key);
      return { state: "complete", status };
    } catch (error) {
      const statusCode = statusOf(error);
      // ACR creates the blob when the run starts writing its log.
      if (statusCode === 404) return { state: "notStarted" };
      // A link kept from an earlier check may have expired: fetch a fresh one, once.
      if (statusCode === 403 && !fresh) {
        forgetRunLogUrl(key);
        url = undefined;
        continue;
      }
      // A fault (5xx, network) is thrown here with the link kept: the next check retries the read, not the ARM call.
      const failure = failureOrThrow(error, `read the log of ${where}`);
      forgetRunLogUrl(key);
      return { state: "unavailable", reason: failure.message, ...(statusCode !== undefined ? { statusCode } : {}) };
    }
  }
}

/** The function the host invokes for `checkBuildLog` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function checkBuildLogActivity(input: BuildRunRef) {
  return checkBuildLog(input, activityServices());
}
