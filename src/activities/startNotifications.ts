/**
 * `startNotifications`: starts the `notifyDeploy` orchestration for one event of one deploy, so the
 * deploy itself never waits for a delivery (a receiver that is down or slow cannot delay or fail its
 * outcome). A retried or replayed start finds the instance and starts nothing (`notifyStart.ts`).
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { NotifyDeployInput } from "../domain/notification.js";
import type { StartNotificationsOutput } from "./contracts.js";
import { startNotifyInstance, type NotificationStarter } from "./notifyStart.js";

/** Starts the event's `notifyDeploy` instance unless it exists already. */
export async function startNotifications(input: NotifyDeployInput, client: NotificationStarter): Promise<StartNotificationsOutput> {
  return { started: await startNotifyInstance(input, client) };
}

/** The function the host invokes for `startNotifications`, with its durable client input (registered by src/functions/registration/activities.ts, loaded on first call). */
export function startNotificationsActivity(input: NotifyDeployInput, context: InvocationContext) {
  return startNotifications(input, df.getClient(context));
}
