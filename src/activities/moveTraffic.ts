/**
 * `moveTraffic`: the Multiple-revision-mode rollback. Activates `toRevision`, sends it 100% of
 * ingress traffic, then deactivates `fromRevision`; each step reads first and is skipped when it is
 * already done, so a retried or replayed call converges instead of repeating writes.
 *
 * Like `updateContainerApp`, it does not wait for the traffic PATCH to finish: it awaits
 * `poller.submitted()` (ARM accepted the change, which GET shows at once) and goes on to deactivate
 * `fromRevision`. Waiting would hold a worker for ARM's propagation, and in the sandbox it would wait
 * for virtual time that only moves when the activity returns. Deactivating the failed revision
 * before the new routing has propagated costs nothing a rollback cares about (that revision was
 * failing its requests anyway), and the orchestrator verifies the outcome with `readRevision`.
 *
 * The new traffic list is exactly `[{ revisionName: toRevision, weight: 100 }]`: other entries
 * (including labels) are dropped, as a rollback to one known good revision should.
 */
import * as df from "durable-functions";
import type { ContainerAppsAPIClient, Revision } from "@azure/arm-appcontainers";
import { ACTIVITIES, type ActivityFailure, type MoveTrafficInput, type MoveTrafficOutput, type TrafficWeight } from "./contracts.js";
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

/** Activates `toRevision`, routes 100% of traffic to it and deactivates `fromRevision`, skipping steps already done. */
export async function moveTraffic(input: MoveTrafficInput, services: ActivityServices): Promise<MoveTrafficOutput> {
  const { target, toRevision, fromRevision } = input;
  if (toRevision.toLowerCase() === fromRevision.toLowerCase()) {
    return { ok: false, failure: { code: "InvalidTrafficMove", message: `toRevision and fromRevision are both '${toRevision}'.` } };
  }
  const client = services.azure.containerApps(target.subscriptionId);
  const { resourceGroup, containerApp } = target;

  const to = await getRevision(client, input, toRevision);
  if (!to.ok) return to;
  if (!to.revision) return { ok: false, failure: { code: "RevisionNotFound", message: `Revision '${toRevision}' of container app '${containerApp}' does not exist.` } };
  if (to.revision.active !== true) {
    const activated = await revisionAction(() => client.containerAppsRevisions.activateRevision(resourceGroup, containerApp, toRevision), `activate revision ${toRevision}`);
    if (!activated.ok) return activated;
  }

  const read = await readApp(() => client.containerApps.get(resourceGroup, containerApp), target);
  if (!read.ok) return read;
  const traffic = trafficOf(read.app);
  // Without ingress there is no traffic to move; the deactivation below is what takes the revision out.
  if (traffic !== undefined && !allTrafficOn(traffic, toRevision)) {
    const routed = await routeAllTraffic(client, input, read.app.location);
    if (!routed.ok) return routed;
  }

  const from = await getRevision(client, input, fromRevision);
  if (!from.ok) return from;
  if (from.revision?.active === true) {
    const deactivated = await revisionAction(() => client.containerAppsRevisions.deactivateRevision(resourceGroup, containerApp, fromRevision), `deactivate revision ${fromRevision}`);
    if (!deactivated.ok) return deactivated;
  }
  return { ok: true };
}

df.app.activity(ACTIVITIES.moveTraffic, { handler: (input: MoveTrafficInput) => moveTraffic(input, activityServices()) });
