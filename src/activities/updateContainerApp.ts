/**
 * `updateContainerApp`: the PATCH that creates the new revision. It sends only what changes,
 * `template.containers` (the whole array as read, with just the chosen container's image replaced:
 * ARM replaces arrays in a merge patch) and `template.revisionSuffix`; init containers, scale,
 * volumes, configuration and secrets are not sent and stay as they are.
 *
 * Crash/retry safety: the revision's name is known before the PATCH (`<app>--<suffix>`, the suffix
 * is deterministic). If that revision already exists, or the app's template already carries this
 * suffix and image (Azure records the template before the revision appears), the PATCH was sent
 * before and is not sent again.
 *
 * It does not wait for the PATCH to finish: with @azure/arm-appcontainers 4 (core-lro 3),
 * `containerApps.update()` returns a PollerLike that sends the PATCH immediately, and
 * `poller.submitted()` resolves once ARM has answered it (202 + operation URLs) or rejects with
 * that answer's error. Nothing polls afterwards; the orchestrator verifies the revision with
 * `readRevision` on durable timers, and asks `readWriteOperation` (with the serialized poller this
 * returns) only when the app says the write failed. (The poller is also a thenable that polls to the end, so it is
 * never awaited or returned itself.)
 */
import type { UpdateContainerAppInput, UpdateContainerAppOutput } from "./contracts.js";
import { containersOf, readApp, revisionNameFor } from "./appModel.js";
import { failureOrThrow, statusOf } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

/** PATCHes the app to run `image` in `containerName` as revision `<app>--<revisionSuffix>`, unless that is done already. */
export async function updateContainerApp(input: UpdateContainerAppInput, services: ActivityServices): Promise<UpdateContainerAppOutput> {
  const { target, containerName, image, revisionSuffix } = input;
  const client = services.azure.containerApps(target.subscriptionId);
  const revisionName = revisionNameFor(target.containerApp, revisionSuffix);

  const read = await readApp(() => client.containerApps.get(target.resourceGroup, target.containerApp), target);
  if (!read.ok) return read;
  const { app } = read;

  const existing = await findRevision(services, input, revisionName);
  if (!existing.ok) return existing;
  if (existing.image !== undefined) {
    if (existing.image === image) return { ok: true, revisionName, alreadyApplied: true };
    return {
      ok: false,
      failure: {
        code: "RevisionSuffixConflict",
        message:
          existing.image === ""
            ? `Revision '${revisionName}' already exists without a container '${containerName}'; it cannot be this deploy's revision.`
            : `Revision '${revisionName}' already exists and runs '${existing.image}' in container '${containerName}', not '${image}'.`,
      },
    };
  }

  const containers = containersOf(app);
  const index = containers.findIndex((container) => container.name === containerName);
  const current = containers[index];
  if (!current) {
    const names = containers.map((container) => `'${container.name}'`).join(", ") || "none";
    return { ok: false, failure: { code: "ContainerNotFound", message: `Container app '${target.containerApp}' has no container '${containerName}'; its containers are ${names}.` } };
  }
  if (app.template?.revisionSuffix === revisionSuffix && current.image === image) {
    // The PATCH was accepted before (template updated) and the revision is still being created.
    return { ok: true, revisionName, alreadyApplied: true };
  }

  containers[index] = { ...current, image };
  const poller = client.containerApps.update(target.resourceGroup, target.containerApp, {
    location: app.location,
    template: { containers, revisionSuffix },
  });
  try {
    await poller.submitted();
  } catch (error) {
    return { ok: false, failure: failureOrThrow(error, `update container app ${target.containerApp}`) };
  }
  // The operation's status URL, so the deploy can learn why it failed (an image Azure could not pull).
  return { ok: true, revisionName, alreadyApplied: false, operation: await poller.serialize() };
}

/** The image `containerName` runs in the named revision, or no image when the revision does not exist. */
async function findRevision(
  services: ActivityServices,
  input: UpdateContainerAppInput,
  revisionName: string,
): Promise<{ ok: true; image: string | undefined } | { ok: false; failure: ReturnType<typeof failureOrThrow> }> {
  const { target, containerName } = input;
  try {
    const revision = await services.azure.containerApps(target.subscriptionId).containerAppsRevisions.getRevision(target.resourceGroup, target.containerApp, revisionName);
    const container = revision.template?.containers?.find((candidate) => candidate.name === containerName);
    return { ok: true, image: container?.image ?? "" };
  } catch (error) {
    const failure = failureOrThrow(error, `read revision ${revisionName}`);
    return statusOf(error) === 404 ? { ok: true, image: undefined } : { ok: false, failure };
  }
}

/** The function the host invokes for `updateContainerApp` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function updateContainerAppActivity(input: UpdateContainerAppInput) {
  return updateContainerApp(input, activityServices());
}
