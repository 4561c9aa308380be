/**
 * `readRevision`: one observation of the new revision and its app for `judgeRevision`: the revision
 * (undefined while Azure has not created it), the app's latest/ready revision names, mode,
 * provisioning state and traffic, and, when a smoke path is set and the revision reports Healthy,
 * the status of a GET to that path on the revision's own host name.
 */
import * as df from "durable-functions";
import type { Revision } from "@azure/arm-appcontainers";
import { ACTIVITIES, type ReadRevisionInput, type ReadRevisionOutput, type RevisionObservation } from "./contracts.js";
import { appStateOf, readApp, revisionStateOf, trafficOf } from "./appModel.js";
import { failureOrThrow, statusOf } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";
import { smokeRequest, smokeUrl } from "./smokeRequest.js";

/** Reads the revision and its app (and smoke-tests a healthy revision); a missing revision is not a failure. */
export async function readRevision(input: ReadRevisionInput, services: ActivityServices): Promise<ReadRevisionOutput> {
  const { target, revisionName, smokePath } = input;
  const client = services.azure.containerApps(target.subscriptionId);

  let revision: Revision | undefined;
  try {
    revision = await client.containerAppsRevisions.getRevision(target.resourceGroup, target.containerApp, revisionName);
  } catch (error) {
    const failure = failureOrThrow(error, `read revision ${revisionName}`);
    // 404 is also what ARM says when the app itself is gone; the app read below tells which.
    if (statusOf(error) !== 404) return { ok: false, failure };
  }
  const read = await readApp(() => client.containerApps.get(target.resourceGroup, target.containerApp), target);
  if (!read.ok) return read;

  const observation: RevisionObservation = {
    revision: revision ? revisionStateOf(revision) : undefined,
    app: appStateOf(read.app),
    traffic: trafficOf(read.app),
  };
  if (smokePath !== undefined && revision?.healthState === "Healthy") {
    observation.smoke = revision.fqdn
      ? await smokeRequest(smokeUrl(revision.fqdn, smokePath, services.settings.ingressProxy), services.settings)
      : { status: undefined, error: "the revision has no ingress host name (fqdn)" };
  }
  return { ok: true, observation };
}

df.app.activity(ACTIVITIES.readRevision, { handler: (input: ReadRevisionInput) => readRevision(input, activityServices()) });
