/**
 * `notifyDeployQueue`: wakes deploys waiting their turn on an app (single flight) by raising the
 * `deployQueue` event on each. A waiter that no longer exists or has already finished needs no
 * wake-up, so it is skipped rather than failing the activity; any other error throws (retryable).
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { ACTIVITIES, DEPLOY_QUEUE_EVENT, type NotifyDeployQueueInput, type QueueNotice } from "./contracts.js";

/**
 * Where the event went: `raised` were accepted by the Durable extension (which also quietly accepts,
 * and drops, an event for an instance that has already finished: HTTP 410), `missing` do not exist.
 */
export interface NotifyDeployQueueResult {
  raised: string[];
  missing: string[];
}

/** The part of the Durable client this activity uses. */
export type EventRaiser = Pick<df.DurableClient, "raiseEvent">;

/** durable-functions' message for a 404 from raiseEvent (it answers 410, a finished instance, by returning). */
function isMissingInstance(error: unknown, instanceId: string): boolean {
  return error instanceof Error && error.message === `No instance with ID '${instanceId}' found.`;
}

/** Raises the queue event on each notice's instance, in order. */
export async function notifyDeployQueue(input: NotifyDeployQueueInput, client: EventRaiser): Promise<NotifyDeployQueueResult> {
  const result: NotifyDeployQueueResult = { raised: [], missing: [] };
  for (const notice of input.notices) {
    const payload: QueueNotice = { ...notice };
    try {
      await client.raiseEvent(notice.instanceId, DEPLOY_QUEUE_EVENT, payload);
      result.raised.push(notice.instanceId);
    } catch (error) {
      if (!isMissingInstance(error, notice.instanceId)) throw error;
      result.missing.push(notice.instanceId);
    }
  }
  return result;
}

df.app.activity(ACTIVITIES.notifyDeployQueue, {
  extraInputs: [df.input.durableClient()],
  handler: (input: NotifyDeployQueueInput, context: InvocationContext) => notifyDeployQueue(input, df.getClient(context)),
});
