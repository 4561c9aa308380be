/**
 * `resolveDigest`: what `<loginServer>/<repository>:<tag>` points at now, from the registry's data
 * plane. The deploy then runs the image by that digest, so a tag moved later cannot change it.
 * (ACR reports no output images for the build's `cmd:` steps, hence this lookup by result tag.)
 */
import type { ResolveDigestInput, ResolveDigestOutput } from "./contracts.js";
import { failureOrThrow, statusOf } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

/** Resolves the tag to its manifest digest; a tag (or repository) that does not exist is `TagNotFound`. */
export async function resolveDigest(input: ResolveDigestInput, services: ActivityServices): Promise<ResolveDigestOutput> {
  const { repository, tag } = input;
  const loginServer = input.loginServer.toLowerCase();
  const action = `resolve ${loginServer}/${repository}:${tag}`;
  try {
    const properties = await services.azure.registryData(loginServer).getArtifact(repository, tag).getManifestProperties();
    return { ok: true, digest: properties.digest };
  } catch (error) {
    const failure = failureOrThrow(error, action);
    if (statusOf(error) !== 404) return { ok: false, failure };
    return {
      ok: false,
      failure: {
        ...failure,
        code: "TagNotFound",
        message: `Tag '${tag}' of repository '${repository}' was not found in registry ${loginServer}${failure.code ? ` (${failure.code})` : ""}.`,
      },
    };
  }
}

/** The function the host invokes for `resolveDigest` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function resolveDigestActivity(input: ResolveDigestInput) {
  return resolveDigest(input, activityServices());
}
