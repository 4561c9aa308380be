/**
 * Starting the `notifyDeploy` orchestration for one event, shared by the `startNotifications`
 * activity (a deploy's own events) and the push triggers' `announceSkipped` (an image not deployed).
 * The instance id is fixed per deploy and event, and an existing instance is left alone: the host
 * would otherwise replace a finished one (`overridableExistingInstanceStates`), sending it again.
 */
import type * as df from "durable-functions";
import { NOTIFY_ORCHESTRATION, notifyInstanceId, type NotifyDeployInput } from "../domain/notification.js";

/** The part of the Durable client a start uses. */
export type NotificationStarter = Pick<df.DurableClient, "getStatus" | "startNew">;

/** Starts the event's `notifyDeploy` instance unless it exists already; true when it started it. */
export async function startNotifyInstance(input: NotifyDeployInput, client: NotificationStarter): Promise<boolean> {
  const instanceId = notifyInstanceId(input.notice.deploymentId, input.notice.event);
  try {
    const status = await client.getStatus(instanceId, { showInput: false });
    if (status.runtimeStatus !== undefined) return false;
  } catch (error) {
    // getStatus answers a missing instance with this error; anything else is a fault worth a retry.
    if (!(error instanceof Error && error.message.includes("replied with HTTP 404 response"))) throw error;
  }
  await client.startNew(NOTIFY_ORCHESTRATION, { instanceId, input });
  return true;
}
