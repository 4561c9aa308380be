/**
 * `readWriteOperation`: one poll of the long-running operation of a PATCH that `updateContainerApp`
 * sent, restored from the poller state it serialized (`restorePoller`, the SDK's own way to resume a
 * poller elsewhere). It tells why an accepted write failed, which the app and its revisions do not:
 * e.g. Azure could not pull an image, so no revision was created.
 */
import { armAppContainers } from "../azure/sdk.js";
import type { ReadWriteOperationInput, ReadWriteOperationOutput } from "./contracts.js";
import { failureOrThrow } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

/** core-lro words a failed operation as "The long-running operation has failed. <code>. <message>". */
const FAILED_OPERATION = /^The long-running operation has failed\. ([A-Za-z0-9_.]+)\. ([\s\S]*)$/;

/** Polls the write's operation once and reports its status, with ARM's code and message when it failed. */
export async function readWriteOperation(input: ReadWriteOperationInput, services: ActivityServices): Promise<ReadWriteOperationOutput> {
  const client = services.azure.containerApps(input.target.subscriptionId);
  const poller = armAppContainers().restorePoller(client, input.operation, client.containerApps.update);
  try {
    await poller.poll();
  } catch (error) {
    // A failed operation rejects the poll; the poller's state says so. Anything else is a failed call.
    if (poller.operationState?.status !== "failed") return { ok: false, failure: failureOrThrow(error, `read the write operation of ${input.target.containerApp}`) };
  }
  const state = poller.operationState;
  const status = state?.status === "succeeded" ? "Succeeded" : state?.status === "failed" ? "Failed" : state?.status === "canceled" ? "Canceled" : "InProgress";
  if (status !== "Failed") return { ok: true, status };
  const text = state?.error?.message ?? "";
  const parsed = FAILED_OPERATION.exec(text);
  return { ok: true, status, error: parsed?.[1] && parsed[2] !== undefined ? { code: parsed[1], message: parsed[2] } : { code: "OperationFailed", message: text || "the operation failed" } };
}

/** The function the host invokes for `readWriteOperation` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function readWriteOperationActivity(input: ReadWriteOperationInput) {
  return readWriteOperation(input, activityServices());
}
