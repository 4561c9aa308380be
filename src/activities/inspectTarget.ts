/**
 * `inspectTarget`: reads the Container App before anything changes. Picks the container the deploy
 * updates, checks the app can pull from the new image's registry, and records the last known good
 * state that a rollback returns to: the revision serving now and the image read from that revision,
 * never from the app template (after a failed deploy the template names the failed image while the
 * previous revision still serves).
 */
import type { ContainerApp, ContainerAppsAPIClient, Revision } from "@azure/arm-appcontainers";
import type { ActivityFailure, InspectTargetInput, InspectTargetOutput, TemplateContainer } from "./contracts.js";
import { containersOf, readApp, revisionsModeOf, trafficOf } from "./appModel.js";
import { failureOrThrow } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

const DIGEST_SUFFIX = /@(sha256:[0-9a-f]{64})$/;

/** The container the deploy updates: the named one, else the only one. Init containers never count. */
export function chooseContainer(containers: readonly TemplateContainer[], wanted: string | undefined, appName: string): { ok: true; container: TemplateContainer } | { ok: false; failure: ActivityFailure } {
  const names = containers.map((container) => container.name);
  const listed = names.length > 0 ? names.map((name) => `'${name}'`).join(", ") : "none";
  if (wanted !== undefined) {
    const container = containers.find((candidate) => candidate.name === wanted);
    if (container) return { ok: true, container };
    return { ok: false, failure: { code: "ContainerNotFound", message: `Container app '${appName}' has no container '${wanted}'; its containers are ${listed}.` } };
  }
  const only = containers.length === 1 ? containers[0] : undefined;
  if (only) return { ok: true, container: only };
  return {
    ok: false,
    failure: {
      code: "ContainerAmbiguous",
      message:
        containers.length === 0
          ? `Container app '${appName}' has no containers in its template.`
          : `Container app '${appName}' has ${containers.length} containers (${listed}); name the one to update in target.container.`,
    },
  };
}

/** Whether the app lists `loginServer` among its registries (host names compare case-insensitively). */
function registryConfigured(app: ContainerApp, loginServer: string): boolean {
  const wanted = loginServer.toLowerCase();
  return (app.configuration?.registries ?? []).some((registry) => registry.server?.toLowerCase() === wanted);
}

/**
 * The revision serving now: among active revisions, the one with the most traffic (the latest ready
 * one on a tie or without ingress), else the latest ready revision, else none.
 */
export function servingRevision(revisions: readonly Revision[], latestReadyRevisionName: string | undefined): Revision | undefined {
  const active = revisions.filter((revision) => revision.active === true && revision.provisioningState !== "Failed");
  const weight = (revision: Revision): number => revision.trafficWeight ?? 0;
  const isLatestReady = (revision: Revision): boolean => latestReadyRevisionName !== undefined && revision.name === latestReadyRevisionName;
  const ranked = [...active].sort((a, b) => weight(b) - weight(a) || Number(isLatestReady(b)) - Number(isLatestReady(a)));
  const top = ranked[0];
  if (top !== undefined && (weight(top) > 0 || isLatestReady(top))) return top;
  return revisions.find(isLatestReady);
}

/** Every revision of the app, or why they could not be read. */
async function listRevisions(client: ContainerAppsAPIClient, input: InspectTargetInput): Promise<{ ok: true; revisions: Revision[] } | { ok: false; failure: ActivityFailure }> {
  const { resourceGroup, containerApp } = input.target;
  try {
    const revisions: Revision[] = [];
    for await (const revision of client.containerAppsRevisions.listRevisions(resourceGroup, containerApp)) revisions.push(revision);
    return { ok: true, revisions };
  } catch (error) {
    return { ok: false, failure: failureOrThrow(error, `list revisions of container app ${containerApp}`) };
  }
}

/** Reads the target app and returns its snapshot, or why this deploy cannot go ahead. */
export async function inspectTarget(input: InspectTargetInput, services: ActivityServices): Promise<InspectTargetOutput> {
  const { target, loginServer } = input;
  const client = services.azure.containerApps(target.subscriptionId);
  const read = await readApp(() => client.containerApps.get(target.resourceGroup, target.containerApp), target);
  if (!read.ok) return read;
  const { app } = read;

  const containers = containersOf(app);
  const chosen = chooseContainer(containers, target.container, target.containerApp);
  if (!chosen.ok) return chosen;

  if (!registryConfigured(app, loginServer)) {
    const servers = (app.configuration?.registries ?? []).map((registry) => `'${registry.server ?? ""}'`);
    return {
      ok: false,
      failure: {
        code: "RegistryNotConfigured",
        message:
          `Container app '${target.containerApp}' has no registry entry for '${loginServer}' (configuration.registries: ${servers.length > 0 ? servers.join(", ") : "none"}), ` +
          "so it could not pull the new image; add the registry to the app (e.g. with a managed identity that has AcrPull) and deploy again.",
      },
    };
  }

  const listed = await listRevisions(client, input);
  if (!listed.ok) return listed;
  const serving = servingRevision(listed.revisions, app.latestReadyRevisionName || undefined);
  const templateImage = chosen.container.image;
  // The image the serving revision runs is what a rollback restores; the template may name a failed deploy's image.
  const servingImage = serving?.template?.containers?.find((container) => container.name === chosen.container.name)?.image;
  const currentImage = servingImage ?? templateImage;
  return {
    ok: true,
    snapshot: {
      location: app.location,
      revisionsMode: revisionsModeOf(app),
      containerName: chosen.container.name,
      containers,
      currentRevision: serving?.name,
      currentImage,
      templateImage,
      currentDigest: DIGEST_SUFFIX.exec(currentImage)?.[1],
      traffic: trafficOf(app),
      minReplicas: app.template?.scale?.minReplicas ?? 0,
    },
  };
}

/** The function the host invokes for `inspectTarget` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function inspectTargetActivity(input: InspectTargetInput) {
  return inspectTarget(input, activityServices());
}
