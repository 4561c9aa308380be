/**
 * The registry behind the ACR front: either the real Distribution registry (Debian's docker-registry,
 * reached over loopback HTTP) or the in-memory stand-in used when it isn't installed. Both speak the
 * same subset of the Distribution HTTP API, addressed by full upstream repository names.
 */

/** One Distribution API request, path already decoded (`/v2/<name>/manifests/<ref>`). */
export interface RegistryRequest {
  method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";
  /** Absolute path starting with `/v2/`, repository name with real slashes. */
  path: string;
  query?: URLSearchParams;
  /** Lower-case header names. */
  headers?: Record<string, string>;
  body?: Buffer;
}

/** A Distribution API response. */
export interface RegistryResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
}

/** A Distribution-API registry the ACR front can forward to. */
export interface RegistryBackend {
  /** `docker-registry` for the real upstream, `memory` for the stand-in. */
  readonly kind: "docker-registry" | "memory";
  /** A description for the sandbox's state view (never contains secrets). */
  readonly description: string;
  send(request: RegistryRequest): Promise<RegistryResponse>;
  /** Forgets everything (memory only; the upstream is namespaced instead). */
  clear?(): void;
  /** Contents a persistent sandbox must save (memory only; docker-registry keeps its own storage). */
  snapshot?(): unknown;
  /** Takes over saved contents. */
  restore?(snapshot: unknown): void;
  /** Releases connections. */
  close?(): void;
}

/** Media types the sandbox deals in. */
export const MediaTypes = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
} as const;

/** Every manifest media type we accept and ask for, so the registry never has to downgrade. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaTypes.ociManifest,
  MediaTypes.ociIndex,
  MediaTypes.dockerManifest,
  MediaTypes.dockerManifestList,
];

/** A Distribution error body: `{ "errors": [{ code, message, detail }] }`. */
export function registryErrorBody(code: string, message: string, detail?: unknown): Buffer {
  return Buffer.from(JSON.stringify({ errors: [{ code, message, detail: detail ?? null }] }), "utf8");
}

/** A Distribution error response. */
export function registryError(status: number, code: string, message: string, detail?: unknown): RegistryResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "docker-distribution-api-version": "registry/2.0" },
    body: registryErrorBody(code, message, detail),
  };
}

/** The first error code of a Distribution/ACR error body, if it has one. */
export function registryErrorCode(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as unknown;
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const errors = (parsed as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return undefined;
    const first: unknown = errors[0];
    if (typeof first !== "object" || first === null) return undefined;
    const code = (first as { code?: unknown }).code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}
