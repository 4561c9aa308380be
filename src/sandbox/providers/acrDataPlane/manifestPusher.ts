/**
 * Pushes an image into a registry backend over the Distribution API, the way `docker push` does:
 * each missing blob through an upload session (POST, then PUT with `?digest=`), then the manifest under
 * its tag. Blob bytes come from the caller or from the descriptors' embedded `data`.
 */
import { createHash } from "node:crypto";
import type { PushedManifest } from "../../kernel/types.js";
import { MediaTypes, registryErrorCode, type RegistryBackend, type RegistryResponse } from "./registryBackend.js";

/** A push the registry refused, with the Distribution error code when it gave one. */
export class RegistryPushError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "RegistryPushError";
  }
}

function sha256(content: Buffer): string {
  return `sha256:${createHash("sha256").update(content).digest("hex")}`;
}

function refused(what: string, response: RegistryResponse): RegistryPushError {
  const code = registryErrorCode(response.body);
  return new RegistryPushError(`${what} was refused: HTTP ${response.status}${code ? ` ${code}` : ""}`, response.status, code);
}

interface Descriptor {
  digest: string;
  data?: string;
}

function descriptorsOf(manifest: PushedManifest): Descriptor[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest.content.toString("utf8"));
  } catch {
    throw new RegistryPushError("The manifest is not JSON", 400, "MANIFEST_INVALID");
  }
  if (typeof parsed !== "object" || parsed === null) return [];
  const { config, layers } = parsed as { config?: unknown; layers?: unknown };
  const layerList: unknown[] = Array.isArray(layers) ? layers : [];
  const all = [config, ...layerList];
  return all.flatMap((entry: unknown) => {
    if (typeof entry !== "object" || entry === null) return [];
    const { digest, data } = entry as { digest?: unknown; data?: unknown };
    return typeof digest === "string" ? [{ digest, data: typeof data === "string" ? data : undefined }] : [];
  });
}

/** Uploads one blob into `repository` unless the registry already has it there. */
export async function pushBlob(backend: RegistryBackend, repository: string, digest: string, content: Buffer): Promise<void> {
  const head = await backend.send({ method: "HEAD", path: `/v2/${repository}/blobs/${digest}` });
  if (head.status === 200) return;
  const started = await backend.send({ method: "POST", path: `/v2/${repository}/blobs/uploads/` });
  const location = started.headers.location;
  if (started.status !== 202 || !location) throw refused(`Starting the upload of ${digest}`, started);
  const target = new URL(location, "http://registry.invalid");
  target.searchParams.set("digest", digest);
  const finished = await backend.send({
    method: "PUT",
    path: target.pathname,
    query: target.searchParams,
    headers: { "content-type": "application/octet-stream" },
    body: content,
  });
  if (finished.status !== 201) throw refused(`Uploading ${digest}`, finished);
}

/** Whether the registry has blob `digest` linked in `repository`. */
async function hasBlob(backend: RegistryBackend, repository: string, digest: string): Promise<boolean> {
  return (await backend.send({ method: "HEAD", path: `/v2/${repository}/blobs/${digest}` })).status === 200;
}

/**
 * Pushes `manifest` as `repository:tag`, first uploading every referenced blob that the registry lacks
 * from `blobs` or the descriptor's embedded `data`. Resolves with the digest the registry reports.
 */
export async function pushManifest(
  backend: RegistryBackend,
  repository: string,
  tag: string,
  manifest: PushedManifest,
  blobs: ReadonlyMap<string, Buffer> = new Map(),
): Promise<string> {
  if (manifest.mediaType === MediaTypes.ociManifest || manifest.mediaType === MediaTypes.dockerManifest) {
    for (const descriptor of descriptorsOf(manifest)) {
      const content = blobs.get(descriptor.digest) ?? (descriptor.data !== undefined ? Buffer.from(descriptor.data, "base64") : undefined);
      if (content && sha256(content) === descriptor.digest) {
        await pushBlob(backend, repository, descriptor.digest, content);
      } else if (!(await hasBlob(backend, repository, descriptor.digest))) {
        throw new RegistryPushError(
          `The manifest references blob ${descriptor.digest}, which the registry doesn't have and whose bytes weren't provided ` +
            "(build images with buildSandboxImage(), which embeds them in each descriptor's `data`)",
          400,
          "MANIFEST_BLOB_UNKNOWN",
        );
      }
    }
  }
  const put = await backend.send({
    method: "PUT",
    path: `/v2/${repository}/manifests/${tag}`,
    headers: { "content-type": manifest.mediaType },
    body: manifest.content,
  });
  const digest = put.headers["docker-content-digest"];
  if (put.status !== 201 || !digest) throw refused(`Pushing the manifest for ${repository}:${tag}`, put);
  return digest;
}
