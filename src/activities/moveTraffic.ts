/**
 * `moveTraffic`: the first half of a Multiple-revision-mode rollback, and how a deploy routes the
 * traffic to its new revision when the app's rules would give it none. Activates `toRevision` (always:
 * ARM treats activating an active revision as a no-op, and it brings back one that was scaled away)
 * and sends it 100% of ingress traffic. The traffic PATCH is only submitted, not awaited: waiting is
 * the orchestrator's job, with durable timers, and it deactivates the failed revision
 * (`deactivateRevision`) only once it has seen the traffic arrive.
 *
 * The new traffic list is exactly `[{ revisionName: toRevision, weight: 100 }]`: other entries
 * (including labels) are dropped, as a rollback to one known good revision should.
 */
import type { ContainerAppsAPIClient, Revision } from "@azure/arm-appcontainers";
import type { ActivityFailure, MoveTrafficInput, MoveTrafficOutput, TrafficWeight } from "./contracts.js";
import { readApp, trafficOf } from "./appModel.js";
import { failureOrThrow, statusOf } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

type Step = { ok: true } | { ok: false; failure: ActivityFailure };

/** Whether traffic already is exactly 100% on `revisionName`. */
export function allTrafficOn(traffic: readonly TrafficWeight[] | undefined, revisionName: string): boolean {
  if (!traffic) return false;
  const serving = traffic.filter((entry) => entry.weight > 0);
  return serving.length === 1 && serving[0]?.weight === 100 && serving[0].revisionName?.toLowerCase() === revisionName.toLowerCase();
}

async function getRevision(client: ContainerAppsAPIClient, input: MoveTrafficInput, name: string): Promise<{ ok: true; revision: Revision | undefined } | { ok: false; failure: ActivityFailure }> {
  try {
    return { ok: true, revision: await client.containerAppsRevisions.getRevision(input.target.resourceGroup, input.target.containerApp, name) };
  } catch (error) {
    const failure = failureOrThrow(error, `read revision ${name}`);
    return statusOf(error) === 404 ? { ok: true, revision: undefined } : { ok: false, failure };
  }
}

async function revisionAction(action: () => Promise<void>, description: string): Promise<Step> {
  try {
    await action();
    return { ok: true };
  } catch (error) {
    return { ok: false, failure: failureOrThrow(error, description) };
  }
}

/** Sends all traffic to `toRevision`; returns once ARM has accepted the change. */
async function routeAllTraffic(client: ContainerAppsAPIClient, input: MoveTrafficInput, location: string): Promise<Step> {
  const { target, toRevision } = input;
  // The PollerLike sends the PATCH now; submitted() settles with ARM's answer. Never await the poller itself (it polls to the end).
  const poller = client.containerApps.update(target.resourceGroup, target.containerApp, {
    location,
    configuration: { ingress: { traffic: [{ revisionName: toRevision, weight: 100 }] } },
  });
  try {
    await poller.submitted();
    return { ok: true };
  } catch (error) {
    return { ok: false, failure: failureOrThrow(error, `move traffic of container app ${target.containerApp} to ${toRevision}`) };
  }
}

/** Activates `toRevision` and routes 100% of traffic to it; a traffic move already in place is not sent again. */
export async function moveTraffic(input: MoveTrafficInput, services: ActivityServices): Promise<MoveTrafficOutput> {
  const { target, toRevision, fromRevision } = input;
  if (fromRevision !== undefined && toRevision.toLowerCase() === fromRevision.toLowerCase()) {
    return { ok: false, failure: { code: "InvalidTrafficMove", message: `toRevision and fromRevision are both '${toRevision}'.` } };
  }
  const client = services.azure.containerApps(target.subscriptionId);
  const { resourceGroup, containerApp } = target;

  const to = await getRevision(client, input, toRevision);
  if (!to.ok) return to;
  if (!to.revision) return { ok: false, failure: { code: "RevisionNotFound", message: `Revision '${toRevision}' of container app '${containerApp}' does not exist.` } };
  const activated = await revisionAction(() => client.containerAppsRevisions.activateRevision(resourceGroup, containerApp, toRevision), `activate revision ${toRevision}`);
  if (!activated.ok) return activated;

  const read = await readApp(() => client.containerApps.get(resourceGroup, containerApp), target);
  if (!read.ok) return read;
  const traffic = trafficOf(read.app);
  // Without ingress there is no traffic to move; deactivating the failed revision is what takes it out.
  if (traffic !== undefined && !allTrafficOn(traffic, toRevision)) {
    const routed = await routeAllTraffic(client, input, read.app.location);
    if (!routed.ok) return routed;
  }

  return { ok: true };
}

/** The function the host invokes for `moveTraffic` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function moveTrafficActivity(input: MoveTrafficInput) {
  return moveTraffic(input, activityServices());
}
