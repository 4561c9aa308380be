/**
 * Reads deploy instances through the Durable client. The client throws on a 404 rather than
 * returning nothing, and builds rpc URLs from ids without encoding them, so ids are checked against
 * the deploy id pattern before any call: an id that could not name a deploy is simply not found.
 */
import type { DurableClient } from "durable-functions";
import { DEPLOYMENT_ID_PATTERN } from "../../domain/deployment.js";
import { isDeployInstance, type DeploymentInstance } from "./deploymentResource.js";

/** The client's message for an unknown instance (DurableClient.getStatus). */
const NOT_FOUND_MESSAGE = /replied with HTTP 404 response/;

/** The instance (input included) if `id` names a deploy, else undefined. */
export async function readDeployInstance(client: DurableClient, id: string): Promise<DeploymentInstance | undefined> {
  if (!DEPLOYMENT_ID_PATTERN.test(id)) return undefined;
  let instance: DeploymentInstance;
  try {
    instance = await client.getStatus(id, { showInput: true });
  } catch (error) {
    if (error instanceof Error && NOT_FOUND_MESSAGE.test(error.message)) return undefined;
    throw error;
  }
  return isDeployInstance(instance) ? instance : undefined;
}

/** Every deploy instance, inputs included (the list filters by the target name in the input). */
export async function listDeployInstances(client: DurableClient): Promise<DeploymentInstance[]> {
  // `showInput` is not in the filter's type, but the client forwards it to the status query.
  const filter: Parameters<DurableClient["getStatusBy"]>[0] & { showInput: boolean } = { showInput: true };
  const all: DeploymentInstance[] = await client.getStatusBy(filter);
  return all.filter(isDeployInstance);
}
