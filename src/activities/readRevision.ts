/**
 * `readRevision`: one observation of the new revision and its app for `judgeRevision`: the revision
 * (undefined while Azure has not created it), the app's latest/ready revision names, mode,
 * provisioning state and traffic (with `withApp: false` only when the revision is not found: the
 * verification reads the app through `readAppState` when the revision looks ready), and, when a
 * smoke path is set, the status of a GET to that path on the revision's own host name. The request goes out as soon as the revision is provisioned and
 * active, whatever its health state says: with `healthState: None` (no probe results) its answer is
 * the proof of health, and a revision scaled to zero only starts a replica when a request arrives.
 */
import type { Revision } from "@azure/arm-appcontainers";
import type { ReadRevisionInput, ReadRevisionOutput, RevisionObservation } from "./contracts.js";
import { appStateOf, readApp, revisionStateOf, trafficOf } from "./appModel.js";
import { failureOrThrow, statusOf } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";
import { smokeRequest, smokeUrl } from "./smokeRequest.js";

/** Why no smoke request was sent to this revision (yet), or undefined when one should be. */
function smokeNotSent(revision: Revision | undefined): string | undefined {
  if (revision === undefined) return "not sent: the revision does not exist yet";
  if (revision.provisioningState !== "Provisioned") return `not sent: the revision is ${revision.provisioningState ?? "not provisioned"}`;
  if (revision.active !== true) return "not sent: the revision is not active";
  if (!revision.fqdn) return "the revision has no ingress host name (fqdn)";
  return undefined;
}

/** Reads the revision, and its app unless told not to (and smoke-tests it once provisioned); a missing revision is not a failure. */
export async function readRevision(input: ReadRevisionInput, services: ActivityServices): Promise<ReadRevisionOutput> {
  const { target, revisionName, smokePath } = input;
  const withApp = input.withApp ?? true;
  const client = services.azure.containerApps(target.subscriptionId);

  let revision: Revision | undefined;
  try {
    revision = await client.containerAppsRevisions.getRevision(target.resourceGroup, target.containerApp, revisionName);
  } catch (error) {
    const failure = failureOrThrow(error, `read revision ${revisionName}`);
    // 404 is also what ARM says when the app itself is gone; the app read below tells which.
    if (statusOf(error) !== 404) return { ok: false, failure };
  }
  const observation: RevisionObservation = { revision: revision ? revisionStateOf(revision) : undefined, app: undefined, traffic: undefined };
  if (withApp || revision === undefined) {
    const read = await readApp(() => client.containerApps.get(target.resourceGroup, target.containerApp), target);
    if (!read.ok) return read;
    observation.app = appStateOf(read.app);
    observation.traffic = trafficOf(read.app);
  }
  if (smokePath !== undefined) {
    const notSent = smokeNotSent(revision);
    observation.smoke =
      notSent === undefined && revision?.fqdn
        ? await smokeRequest(smokeUrl(revision.fqdn, smokePath, services.settings.ingressProxy), services.settings)
        : { status: undefined, error: notSent ?? "not sent" };
  }
  return { ok: true, observation };
}

/** The function the host invokes for `readRevision` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function readRevisionActivity(input: ReadRevisionInput) {
  return readRevision(input, activityServices());
}
