/**
 * Reads deploy instances through the Durable client. The client throws on a 404 rather than
 * returning nothing, and builds rpc URLs from ids without encoding them, so ids are checked against
 * the deploy id pattern before any call: an id that could not name a deploy is simply not found.
 */
import type { DurableClient } from "durable-functions";
import { DEPLOYMENT_ID_PATTERN } from "../../domain/deployment.js";
import { NOTIFY_ORCHESTRATION, notifyInstanceId } from "../../domain/notification.js";
import { isDeployInstance, type DeploymentInstance } from "./deploymentResource.js";

/** The client's message for an unknown instance (DurableClient.getStatus). */
const NOT_FOUND_MESSAGE = /replied with HTTP 404 response/;

async function statusOrUndefined(client: DurableClient, id: string, showInput: boolean): Promise<DeploymentInstance | undefined> {
  try {
    return await client.getStatus(id, { showInput });
  } catch (error) {
    if (error instanceof Error && NOT_FOUND_MESSAGE.test(error.message)) return undefined;
    throw error;
  }
}

/** The instance (input included) if `id` names a deploy, else undefined; with its notification instances. */
export async function readDeployInstance(client: DurableClient, id: string): Promise<DeploymentInstance | undefined> {
  if (!DEPLOYMENT_ID_PATTERN.test(id)) return undefined;
  const instance = await statusOrUndefined(client, id, true);
  if (!instance || !isDeployInstance(instance)) return undefined;
  const notify = await Promise.all([notifyInstanceId(id, "started"), notifyInstanceId(id, "succeeded")].map((notifyId) => statusOrUndefined(client, notifyId, false)));
  return { ...instance, notifyInstances: notify.filter((n): n is DeploymentInstance => n !== undefined && n.name === NOTIFY_ORCHESTRATION) };
}

/** Every deploy instance, inputs included (the list filters by the target name in the input), with its notification instances. */
export async function listDeployInstances(client: DurableClient): Promise<DeploymentInstance[]> {
  // `showInput` is not in the filter's type, but the client forwards it to the status query.
  const filter: Parameters<DurableClient["getStatusBy"]>[0] & { showInput: boolean } = { showInput: true };
  const all: DeploymentInstance[] = await client.getStatusBy(filter);
  const notifyById = new Map(all.filter((instance) => instance.name === NOTIFY_ORCHESTRATION).map((instance) => [instance.instanceId, instance]));
  return all.filter(isDeployInstance).map((instance) => {
    const notify = [notifyInstanceId(instance.instanceId, "started"), notifyInstanceId(instance.instanceId, "succeeded")].flatMap((id) => notifyById.get(id) ?? []);
    return { ...instance, notifyInstances: notify };
  });
}
