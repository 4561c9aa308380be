/**
 * `startAutoDeploy`: starts the deploy auto-rollout chose, under the id derived from target and
 * digest. An instance with that id already there (running or ended) is a duplicate: nothing new
 * starts. The existence check comes first because a start under a completed id would replace it
 * (`overridableExistingInstanceStates` allows that for ended instances).
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { StartAutoDeployInput, StartAutoDeployOutput } from "./contracts.js";

/** The part of the Durable client this activity uses. */
export type DeployStarter = Pick<df.DurableClient, "getStatus" | "startNew">;

const DEPLOY_ORCHESTRATION = "deploy";

function isMissingInstance(error: unknown): boolean {
  return error instanceof Error && error.message.includes("replied with HTTP 404 response");
}

async function existingStatus(client: DeployStarter, instanceId: string): Promise<string | undefined> {
  try {
    const status = await client.getStatus(instanceId, { showInput: false });
    const runtimeStatus: string | undefined = status.runtimeStatus;
    return runtimeStatus;
  } catch (error) {
    if (isMissingInstance(error)) return undefined;
    throw error;
  }
}

/** Starts the deploy unless its id exists; a lost race to start it reads as the duplicate it is. */
export async function startAutoDeploy(request: StartAutoDeployInput, client: DeployStarter): Promise<StartAutoDeployOutput> {
  const id = request.input.deploymentId;
  const before = await existingStatus(client, id);
  if (before !== undefined) return { started: false, runtimeStatus: before };
  try {
    await client.startNew(DEPLOY_ORCHESTRATION, { instanceId: id, input: request.input });
  } catch (error) {
    const after = await existingStatus(client, id);
    if (after !== undefined) return { started: false, runtimeStatus: after };
    throw error;
  }
  return { started: true };
}

/** The function the host invokes for `startAutoDeploy`, with its durable client input (registered by src/functions/registration/activities.ts, loaded on first call). */
export function startAutoDeployActivity(input: StartAutoDeployInput, context: InvocationContext) {
  return startAutoDeploy(input, df.getClient(context));
}
