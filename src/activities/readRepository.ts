/**
 * `readRepository`: the manifests of an auto-rollout target's repository with their tags and times,
 * from the registry's data plane (`/acr/v1/<repo>/_manifests`, then `_manifests/<digest>` for each
 * pushed digest the listing lacks: listings hold tagged manifests, and a tag that moved on leaves the
 * pushed digest untagged). The registry is the truth a push is checked against.
 */
import type { RepositoryManifest } from "../domain/autoRollout.js";
import { DIGEST_PATTERN } from "../domain/imageReference.js";
import { failureOrThrow, statusOf } from "./azureErrors.js";
import type { ReadRepositoryInput, ReadRepositoryOutput } from "./contracts.js";
import { activityServices, type ActivityServices } from "./services.js";

/** Most manifests read from one repository (newest last-updated first is not offered; this bounds the work). */
const MAX_MANIFESTS = 1000;

const iso = (value: Date | undefined): string => (value ?? new Date(0)).toISOString();

/** Lists the repository; a repository that does not exist is `RepositoryNotFound`, a missing digest is simply absent. */
export async function readRepository(input: ReadRepositoryInput, services: ActivityServices): Promise<ReadRepositoryOutput> {
  const loginServer = input.loginServer.toLowerCase();
  const client = services.azure.registryData(loginServer);
  const manifests: RepositoryManifest[] = [];
  const action = `list ${loginServer}/${input.repository}`;
  try {
    for await (const manifest of client.getRepository(input.repository).listManifestProperties()) {
      manifests.push({ digest: manifest.digest, tags: [...manifest.tags], createdOn: iso(manifest.createdOn), lastUpdatedOn: iso(manifest.lastUpdatedOn) });
      if (manifests.length >= MAX_MANIFESTS) break;
    }
  } catch (error) {
    const failure = failureOrThrow(error, action);
    if (statusOf(error) !== 404) return { ok: false, failure };
    return { ok: false, failure: { ...failure, code: "RepositoryNotFound", message: `Repository '${input.repository}' was not found in registry ${loginServer}.` } };
  }
  for (const digest of input.digests) {
    // A malformed digest (the docs' masked examples) cannot name a manifest: not asked for.
    if (!DIGEST_PATTERN.test(digest) || manifests.some((m) => m.digest === digest)) continue;
    try {
      const properties = await client.getArtifact(input.repository, digest).getManifestProperties();
      manifests.push({ digest: properties.digest, tags: [...properties.tags], createdOn: iso(properties.createdOn), lastUpdatedOn: iso(properties.lastUpdatedOn) });
    } catch (error) {
      const failure = failureOrThrow(error, `read ${loginServer}/${input.repository}@${digest}`);
      if (statusOf(error) !== 404) return { ok: false, failure };
    }
  }
  return { ok: true, manifests };
}

/** The function the host invokes for `readRepository` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function readRepositoryActivity(input: ReadRepositoryInput) {
  return readRepository(input, activityServices());
}
