/**
 * `stopWait`: terminates a deploy's wait (a `waitForBuildRun` or `verifyRevision` sub-orchestration)
 * that the deploy has stopped waiting for, e.g. after a cancel, so it polls Azure no more. A wait that
 * has already ended is left as it is; one that never started is reported, not an error.
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { StopWaitInput, StopWaitOutput } from "./contracts.js";

/** The part of the Durable client this activity uses. */
export type InstanceTerminator = Pick<df.DurableClient, "terminate">;

/** Terminates the instance; a missing one answers `found: false`, any other error throws (retryable). */
export async function stopWait(input: StopWaitInput, client: InstanceTerminator): Promise<StopWaitOutput> {
  try {
    // The client answers a finished instance's 410 by returning: nothing is left to stop.
    await client.terminate(input.instanceId, input.reason);
    return { found: true };
  } catch (error) {
    if (error instanceof Error && error.message === `No instance with ID '${input.instanceId}' found.`) return { found: false };
    throw error;
  }
}

/** The function the host invokes for `stopWait`, with its durable client input (registered by src/functions/registration/activities.ts, loaded on first call). */
export function stopWaitActivity(input: StopWaitInput, context: InvocationContext) {
  return stopWait(input, df.getClient(context));
}
