/**
 * `startNotifications`: starts the `notifyDeploy` orchestration for one event of one deploy, so the
 * deploy itself never waits for a delivery (a receiver that is down or slow cannot delay or fail its
 * outcome). The instance id is fixed per deploy and event, and an existing instance is left alone:
 * the host would otherwise replace a finished one (`overridableExistingInstanceStates`), sending again.
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { NOTIFY_ORCHESTRATION, notifyInstanceId, type NotifyDeployInput } from "../domain/notification.js";
import { ACTIVITIES, type StartNotificationsOutput } from "./contracts.js";

/** The part of the Durable client this activity uses. */
export type NotificationStarter = Pick<df.DurableClient, "getStatus" | "startNew">;

/** Starts the event's `notifyDeploy` instance unless it exists already. */
export async function startNotifications(input: NotifyDeployInput, client: NotificationStarter): Promise<StartNotificationsOutput> {
  const instanceId = notifyInstanceId(input.notice.deploymentId, input.notice.event);
  try {
    const status = await client.getStatus(instanceId, { showInput: false });
    if (status.runtimeStatus !== undefined) return { started: false };
  } catch (error) {
    // getStatus answers a missing instance with this error; anything else is a fault worth a retry.
    if (!(error instanceof Error && error.message.includes("replied with HTTP 404 response"))) throw error;
  }
  await client.startNew(NOTIFY_ORCHESTRATION, { instanceId, input });
  return { started: true };
}

df.app.activity(ACTIVITIES.startNotifications, {
  extraInputs: [df.input.durableClient()],
  handler: (input: NotifyDeployInput, context: InvocationContext) => startNotifications(input, df.getClient(context)),
});
