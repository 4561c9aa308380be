/**
 * `lintBuildContext`: the Dockerfile cache lint (`src/policies/dockerfileLint.ts`) on the context a
 * deploy builds from, as uploaded. The archive is read through the upload URL this process issued
 * for it (`src/azure/buildSourceUrls.ts`): ACR offers no other way to read a source back, and the URL,
 * a credential, never travels through the orchestration. Expected problems (no URL known here, an
 * archive that cannot be read, no Dockerfile in it) are outcomes; the deploy decides what they mean.
 */
import { buildSourceUrl } from "../azure/buildSourceUrls.js";
import { lintDockerfile } from "../policies/dockerfileLint.js";
import { listContextArchive } from "./build/contextArchive.js";
import type { LintBuildContextInput, LintBuildContextOutput } from "./contracts.js";
import { describeAzureError, redactUrls, statusOf } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

/** Largest context the lint downloads; bigger ones are not linted (the build still runs). */
const MAX_CONTEXT_BYTES = 256 * 1024 * 1024;

/** Lints the uploaded context `relativePath` with its Dockerfile. */
export async function lintBuildContext(input: LintBuildContextInput, services: ActivityServices, urlOf: (relativePath: string) => string | undefined = buildSourceUrl): Promise<LintBuildContextOutput> {
  const url = urlOf(input.relativePath);
  if (url === undefined) {
    return { ok: false, failure: { code: "BuildContextUnavailable", message: `the upload URL of ${input.relativePath} is not known to this instance (it was issued elsewhere, or has expired), so its context cannot be read` } };
  }
  let archive: Buffer;
  try {
    const blob = services.azure.blobClient(url);
    const size = (await blob.getProperties()).contentLength ?? 0;
    if (size > MAX_CONTEXT_BYTES) return { ok: false, failure: { code: "BuildContextTooLarge", message: `the context is ${size} bytes; the lint reads at most ${MAX_CONTEXT_BYTES}` } };
    archive = await blob.downloadToBuffer();
  } catch (error) {
    const failure = describeAzureError(error);
    const status = statusOf(error);
    // Never the URL: describeAzureError keeps status and code, redactUrls the rest.
    return { ok: false, failure: { code: status === 404 ? "BuildContextNotFound" : "BuildContextUnreadable", message: redactUrls(`reading ${input.relativePath}: ${failure.message}`), ...(status !== undefined ? { statusCode: status } : {}) } };
  }
  const ignoreNames = [`${input.dockerfile}.dockerignore`, ".dockerignore"];
  let listing: Awaited<ReturnType<typeof listContextArchive>>;
  try {
    listing = await listContextArchive(archive, [input.dockerfile, ...ignoreNames]);
  } catch (error) {
    return { ok: false, failure: { code: "BuildContextUnreadable", message: `${input.relativePath} is not a gzip'd tar: ${error instanceof Error ? error.message : String(error)}` } };
  }
  const dockerfile = listing.texts.get(input.dockerfile);
  if (dockerfile === undefined) return { ok: false, failure: { code: "DockerfileNotFound", message: `the context has no ${input.dockerfile}` } };
  const ignoreName = ignoreNames.find((name) => listing.texts.has(name));
  const report = lintDockerfile(dockerfile, {
    dockerfile: input.dockerfile,
    context: { paths: listing.paths, ignoreFile: ignoreName !== undefined ? { name: ignoreName, text: listing.texts.get(ignoreName) ?? "" } : null },
  });
  return { ok: true, report };
}

/** The function the host invokes for `lintBuildContext` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function lintBuildContextActivity(input: LintBuildContextInput) {
  return lintBuildContext(input, activityServices());
}
