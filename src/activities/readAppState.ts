/**
 * `readAppState`: the app's side of a revision's verification (latest and latest-ready revision
 * names, revisions mode, provisioning state, ingress traffic), read once the revision itself looks
 * ready or is inactive, so a verification waiting on a revision spends one ARM read per poll.
 */
import type { ReadAppStateInput, ReadAppStateOutput } from "./contracts.js";
import { appStateOf, readApp, trafficOf } from "./appModel.js";
import { activityServices, type ActivityServices } from "./services.js";

/** Reads the target's container app; a missing app is `ContainerAppNotFound`. */
export async function readAppState(input: ReadAppStateInput, services: ActivityServices): Promise<ReadAppStateOutput> {
  const { target } = input;
  const client = services.azure.containerApps(target.subscriptionId);
  const read = await readApp(() => client.containerApps.get(target.resourceGroup, target.containerApp), target);
  if (!read.ok) return read;
  return { ok: true, app: appStateOf(read.app), traffic: trafficOf(read.app) };
}

/** The function the host invokes for `readAppState` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function readAppStateActivity(input: ReadAppStateInput) {
  return readAppState(input, activityServices());
}
