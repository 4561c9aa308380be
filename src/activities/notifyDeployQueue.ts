/**
 * `notifyDeployQueue`: wakes deploys waiting their turn on an app (single flight) by raising the
 * `deployQueue` event on each that is still running. The Durable extension quietly accepts and drops
 * an event for an instance that has already finished (HTTP 410), so a raise alone proves nothing: a
 * waiter that is missing or has ended is reported in `gone`, and when it was the one granted the
 * app, the caller releases the app on its behalf. Any other error throws (retryable).
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { DEPLOY_QUEUE_EVENT, type NotifyDeployQueueInput, type NotifyDeployQueueOutput, type QueueNotice } from "./contracts.js";
import { readInstanceStatus, type StatusReader } from "./readInstanceStatus.js";
import { hasEnded } from "../policies/deployQueue.js";

/** The part of the Durable client this activity uses. */
export type EventRaiser = Pick<df.DurableClient, "raiseEvent"> & StatusReader;

/** durable-functions' message for a 404 from raiseEvent (it answers 410, a finished instance, by returning). */
function isMissingInstance(error: unknown, instanceId: string): boolean {
  return error instanceof Error && error.message === `No instance with ID '${instanceId}' found.`;
}

/** Raises the queue event on each notice's instance, in order, and reports those that are gone. */
export async function notifyDeployQueue(input: NotifyDeployQueueInput, client: EventRaiser): Promise<NotifyDeployQueueOutput> {
  const result: NotifyDeployQueueOutput = { raised: [], gone: [] };
  for (const notice of input.notices) {
    const payload: QueueNotice = { ...notice };
    // Read before the raise: an event for an ended instance would be dropped without a word. One
    // that ends between the read and the raise is found later by the waiters' checks of the holder.
    const status = await readInstanceStatus({ instanceId: notice.instanceId }, client);
    if (hasEnded(status.runtimeStatus)) {
      result.gone.push({ ...payload, ...(status.runtimeStatus !== undefined ? { runtimeStatus: status.runtimeStatus } : {}) });
      continue;
    }
    try {
      await client.raiseEvent(notice.instanceId, DEPLOY_QUEUE_EVENT, payload);
      result.raised.push(notice.instanceId);
    } catch (error) {
      if (!isMissingInstance(error, notice.instanceId)) throw error;
      result.gone.push(payload);
    }
  }
  return result;
}

/** The function the host invokes for `notifyDeployQueue`, with its durable client input (registered by src/functions/registration/activities.ts, loaded on first call). */
export function notifyDeployQueueActivity(input: NotifyDeployQueueInput, context: InvocationContext) {
  return notifyDeployQueue(input, df.getClient(context));
}
