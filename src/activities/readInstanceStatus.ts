/**
 * `readInstanceStatus`: the runtime status of another orchestration instance, read through the
 * Durable client. The deploy queue uses it to learn whether the deploy holding an app has ended,
 * since the `deployTarget` entity itself must do no I/O.
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { ReadInstanceStatusInput, ReadInstanceStatusOutput } from "./contracts.js";

/** The part of the Durable client this activity uses. */
export type StatusReader = Pick<df.DurableClient, "getStatus">;

/** durable-functions' message for a 404 from getStatus: no data for that instance id. */
function isMissingInstance(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("DurableClient error: Durable Functions extension replied with HTTP 404 response.");
}

/** Reads the instance's runtime status; a missing instance is an answer, any other error throws (retryable). */
export async function readInstanceStatus(input: ReadInstanceStatusInput, client: StatusReader): Promise<ReadInstanceStatusOutput> {
  try {
    const status = await client.getStatus(input.instanceId, { showInput: false });
    // The extension's status names are strings on the wire; keep them as such.
    const runtimeStatus: string | undefined = status.runtimeStatus;
    return runtimeStatus === undefined ? { exists: false } : { exists: true, runtimeStatus };
  } catch (error) {
    if (isMissingInstance(error)) return { exists: false };
    throw error;
  }
}

/** The function the host invokes for `readInstanceStatus`, with its durable client input (registered by src/functions/registration/activities.ts, loaded on first call). */
export function readInstanceStatusActivity(input: ReadInstanceStatusInput, context: InvocationContext) {
  return readInstanceStatus(input, df.getClient(context));
}
