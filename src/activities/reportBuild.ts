/**
 * `reportBuild`: after a build, what it reused and what it made anew. The built image's manifest and
 * the last known good image's are read through the registry's data plane (the same ACR data-plane
 * client the digest is resolved with) and their layers compared; the run's log is read and BuildKit's
 * `CACHED` lines counted. The report is information, never a reason to stop a deploy: whatever cannot
 * be read is named in `problems` and the rest is still reported.
 */
import type { LayerDescriptor } from "../domain/buildReport.js";
import { parseBuildKitCache } from "../policies/buildKitLog.js";
import { compareLayers } from "../policies/layerComparison.js";
import type { ReportBuildInput, ReportBuildOutput } from "./contracts.js";
import { describeAzureError, redactUrls } from "./azureErrors.js";
import { activityServices, type ActivityServices } from "./services.js";

/** Most of the run log read for the cache report: BuildKit's step lines fit well within it. */
const MAX_LOG_BYTES = 4 * 1024 * 1024;

const MANIFEST_LIST_TYPES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The layers of an image manifest's JSON (OCI or Docker v2), or the platform child to read for an index. */
export function manifestLayers(content: Buffer, platform: { os: string; architecture: string } = { os: "linux", architecture: "amd64" }): { layers: LayerDescriptor[] } | { child: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString("utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  if (Array.isArray(parsed.manifests) || (typeof parsed.mediaType === "string" && MANIFEST_LIST_TYPES.includes(parsed.mediaType))) {
    const children = (Array.isArray(parsed.manifests) ? parsed.manifests : []).filter(isRecord);
    const matching = children.find((child) => isRecord(child.platform) && child.platform.os === platform.os && child.platform.architecture === platform.architecture) ?? children[0];
    return typeof matching?.digest === "string" ? { child: matching.digest } : undefined;
  }
  if (!Array.isArray(parsed.layers)) return undefined;
  return {
    layers: parsed.layers.filter(isRecord).map((layer) => ({ digest: typeof layer.digest === "string" ? layer.digest : "", size: typeof layer.size === "number" ? layer.size : 0 })),
  };
}

/** `registry/repository` and the tag or digest of an image reference; undefined when it is not one. */
export function splitImage(image: string): { loginServer: string; repository: string; reference: string } | undefined {
  const at = image.indexOf("@");
  const slash = image.indexOf("/");
  if (slash <= 0) return undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(":");
  const tagged = colon > name.lastIndexOf("/");
  const repositoryPath = tagged ? name.slice(0, colon) : name;
  const reference = at >= 0 ? image.slice(at + 1) : tagged ? name.slice(colon + 1) : "latest";
  return { loginServer: repositoryPath.slice(0, slash).toLowerCase(), repository: repositoryPath.slice(slash + 1), reference };
}

async function readLayers(services: ActivityServices, loginServer: string, repository: string, reference: string): Promise<LayerDescriptor[]> {
  const client = services.azure.registryContent(loginServer, repository);
  let found = manifestLayers((await client.getManifest(reference)).content);
  if (found && "child" in found) found = manifestLayers((await client.getManifest(found.child)).content);
  if (!found || !("layers" in found)) throw new Error(`the manifest of ${loginServer}/${repository}@${reference} lists no layers`);
  return found.layers;
}

function problem(what: string, error: unknown): string {
  const failure = describeAzureError(error);
  return redactUrls(`${what}: ${failure.code ? `${failure.code}: ` : ""}${failure.message}`);
}

/** Reads both manifests and the log and reports; never fails. */
export async function reportBuild(input: ReportBuildInput, services: ActivityServices): Promise<ReportBuildOutput> {
  const problems: string[] = [];
  const { image, registry, runId } = input;
  let layers: ReportBuildOutput["layers"];
  try {
    const built = await readLayers(services, image.loginServer, image.repository, image.digest);
    const baselineRef = input.baselineImage !== undefined ? splitImage(input.baselineImage) : undefined;
    let baseline: { digest: string; layers: LayerDescriptor[] } | undefined;
    if (baselineRef) {
      try {
        baseline = { digest: baselineRef.reference, layers: await readLayers(services, baselineRef.loginServer, baselineRef.repository, baselineRef.reference) };
      } catch (error) {
        problems.push(problem(`reading the last known good image ${input.baselineImage ?? ""}`, error));
      }
    }
    layers = compareLayers(built, baseline);
  } catch (error) {
    problems.push(problem(`reading the built image ${image.loginServer}/${image.repository}@${image.digest}`, error));
  }

  let cache: ReportBuildOutput["cache"];
  try {
    const { logLink } = await services.azure.containerRegistry(registry.subscriptionId).runs.getLogSasUrl(registry.resourceGroup, registry.name, runId);
    if (logLink) {
      const blob = services.azure.blobClient(logLink);
      const size = (await blob.getProperties()).contentLength ?? 0;
      const offset = Math.max(0, size - MAX_LOG_BYTES);
      const text = size > 0 ? (await blob.downloadToBuffer(offset, size - offset)).toString("utf8") : "";
      cache = parseBuildKitCache(text);
      if (!cache) problems.push(`the log of ACR run ${runId} shows no BuildKit step`);
    }
  } catch (error) {
    // The SAS URL is never part of the message: describeAzureError keeps the status and code, redactUrls the rest.
    problems.push(problem(`reading the log of ACR run ${runId}`, error));
  }
  return { ...(layers ? { layers } : {}), ...(cache ? { cache } : {}), problems };
}

/** The function the host invokes for `reportBuild` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function reportBuildActivity(input: ReportBuildInput) {
  return reportBuild(input, activityServices());
}
