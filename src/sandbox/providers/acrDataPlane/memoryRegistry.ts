/**
 * The in-memory stand-in for docker-registry, used when Debian's `docker-registry` isn't installed (a
 * newcomer's `npm start`). It implements the subset of the Distribution API the sandbox and the Azure
 * SDK use, with Distribution 2.8's status codes, headers and error codes, so the same tests pass against
 * both: manifests by tag or digest (GET/HEAD/PUT/DELETE), blobs (GET/HEAD/DELETE), uploads (POST,
 * PATCH, PUT, GET status, DELETE, cross-repository mount), tags list (whole, as 2.8 ignores `n`/`last`
 * there) and catalog with `n`/`last` paging.
 */
import { createHash, randomUUID } from "node:crypto";
import { isValidRepositoryName } from "./endpoints.js";
import { MediaTypes, registryError, type RegistryBackend, type RegistryRequest, type RegistryResponse } from "./registryBackend.js";

interface StoredManifest {
  mediaType: string;
  content: Buffer;
}

interface Repository {
  /** Digests of blobs linked into this repository. */
  blobs: Set<string>;
  manifests: Map<string, StoredManifest>;
  tags: Map<string, string>;
  /** Distribution only knows a repository's tag list once something was tagged in it. */
  everTagged: boolean;
}

interface Upload {
  repository: string;
  chunks: Buffer[];
  size: number;
}

const API_HEADERS = { "docker-distribution-api-version": "registry/2.0" };
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MANIFEST_PATH = /^\/v2\/(.+)\/manifests\/([^/]+)$/;
const UPLOAD_START_PATH = /^\/v2\/(.+)\/blobs\/uploads\/?$/;
const UPLOAD_PATH = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/;
const BLOB_PATH = /^\/v2\/(.+)\/blobs\/([^/]+)$/;
const TAGS_PATH = /^\/v2\/(.+)\/tags\/list$/;

function sha256(content: Buffer): string {
  return `sha256:${createHash("sha256").update(content).digest("hex")}`;
}

function reply(status: number, headers: Record<string, string> = {}, body: Buffer = Buffer.alloc(0)): RegistryResponse {
  return { status, headers: { ...API_HEADERS, ...headers }, body };
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): RegistryResponse {
  return reply(status, { "content-type": "application/json; charset=utf-8", ...headers }, Buffer.from(JSON.stringify(value), "utf8"));
}

/** Pages a sorted list the way Distribution does (`n`, `last`, and a `Link` to the next page). */
function page(items: string[], query: URLSearchParams, nextPath: string): { items: string[]; link?: string } {
  const last = query.get("last");
  const start = last ? items.filter((item) => item > last) : items;
  const n = Number(query.get("n") ?? "");
  if (!Number.isInteger(n) || n <= 0 || start.length <= n) return { items: start };
  const shown = start.slice(0, n);
  const lastShown = shown[shown.length - 1] ?? "";
  return { items: shown, link: `<${nextPath}?last=${encodeURIComponent(lastShown)}&n=${n}>; rel="next"` };
}

/** The manifest's media type from the Content-Type header, else from its own `mediaType` field. */
function manifestMediaType(contentType: string | undefined, parsed: Record<string, unknown>): string | undefined {
  const header = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const field = typeof parsed.mediaType === "string" ? parsed.mediaType : undefined;
  if (header && header !== "application/json") return header;
  return field;
}

function descriptorDigests(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    const digest = typeof entry === "object" && entry !== null ? (entry as { digest?: unknown }).digest : undefined;
    return typeof digest === "string" ? [digest] : [];
  });
}

/** The registry's contents as saved (JSON-able, bytes as base64); uploads under way are not kept. */
interface MemoryRegistrySnapshot {
  blobs: [string, string][];
  repositories: { name: string; blobs: string[]; manifests: [string, { mediaType: string; contentBase64: string }][]; tags: [string, string][]; everTagged: boolean }[];
}

/** An in-memory Distribution registry. */
export class MemoryRegistry implements RegistryBackend {
  readonly kind = "memory";
  readonly description = "in-memory OCI registry (docker-registry not installed)";
  private blobs = new Map<string, Buffer>();
  private repositories = new Map<string, Repository>();
  private uploads = new Map<string, Upload>();

  /** Forgets every repository, blob and upload. */
  clear(): void {
    this.blobs = new Map();
    this.repositories = new Map();
    this.uploads = new Map();
  }

  /** Every blob, manifest and tag, as JSON-able data. */
  snapshot(): MemoryRegistrySnapshot {
    return {
      blobs: [...this.blobs].map(([digest, content]) => [digest, content.toString("base64")]),
      repositories: [...this.repositories].map(([name, repository]) => ({
        name,
        blobs: [...repository.blobs],
        manifests: [...repository.manifests].map(([digest, manifest]) => [digest, { mediaType: manifest.mediaType, contentBase64: manifest.content.toString("base64") }]),
        tags: [...repository.tags],
        everTagged: repository.everTagged,
      })),
    };
  }

  /** Replaces the contents with a {@link snapshot}. */
  restore(snapshot: unknown): void {
    const saved = snapshot as MemoryRegistrySnapshot;
    this.clear();
    for (const [digest, base64] of saved.blobs) this.blobs.set(digest, Buffer.from(base64, "base64"));
    for (const repository of saved.repositories) {
      this.repositories.set(repository.name, {
        blobs: new Set(repository.blobs),
        manifests: new Map(repository.manifests.map(([digest, manifest]) => [digest, { mediaType: manifest.mediaType, content: Buffer.from(manifest.contentBase64, "base64") }])),
        tags: new Map(repository.tags),
        everTagged: repository.everTagged,
      });
    }
  }

  /** Handles one Distribution API request. */
  async send(req: RegistryRequest): Promise<RegistryResponse> {
    const query = req.query ?? new URLSearchParams();
    const headers = req.headers ?? {};
    const body = req.body ?? Buffer.alloc(0);
    const { method, path } = req;

    if (path === "/v2/" || path === "/v2") return method === "GET" || method === "HEAD" ? json(200, {}) : this.unsupported();
    if (path === "/v2/_catalog" && method === "GET") return this.catalog(query);

    let match = UPLOAD_START_PATH.exec(path);
    if (match?.[1] && method === "POST") return this.startUpload(match[1], query);
    match = UPLOAD_PATH.exec(path);
    if (match?.[1] && match[2]) return this.continueUpload(method, match[1], match[2], query, body);
    match = BLOB_PATH.exec(path);
    if (match?.[1] && match[2]) return this.blob(method, match[1], match[2], headers);
    match = MANIFEST_PATH.exec(path);
    if (match?.[1] && match[2]) return this.manifest(method, match[1], match[2], headers, body);
    match = TAGS_PATH.exec(path);
    if (match?.[1] && method === "GET") return this.tags(match[1]);
    return reply(404, { "content-type": "text/plain; charset=utf-8" }, Buffer.from("404 page not found\n"));
  }

  private unsupported(): RegistryResponse {
    return registryError(405, "UNSUPPORTED", "The operation is unsupported.");
  }

  private repository(name: string, create: boolean): Repository | undefined {
    let repository = this.repositories.get(name);
    if (!repository && create) {
      repository = { blobs: new Set(), manifests: new Map(), tags: new Map(), everTagged: false };
      this.repositories.set(name, repository);
    }
    return repository;
  }

  private catalog(query: URLSearchParams): RegistryResponse {
    const names = [...this.repositories.keys()].sort();
    const { items, link } = page(names, query, "/v2/_catalog");
    return json(200, { repositories: items }, link ? { link } : {});
  }

  private tags(name: string): RegistryResponse {
    const repository = this.repository(name, false);
    if (!repository?.everTagged) return registryError(404, "NAME_UNKNOWN", "repository name not known to registry", { name });
    // Like Distribution 2.8: the whole list (no paging), and `null` once every tag is gone.
    const tags = [...repository.tags.keys()].sort();
    return json(200, { name, tags: tags.length > 0 ? tags : null });
  }

  private startUpload(name: string, query: URLSearchParams): RegistryResponse {
    if (!isValidRepositoryName(name)) return registryError(400, "NAME_INVALID", "invalid repository name", { name });
    const mount = query.get("mount");
    const from = query.get("from");
    if (mount && from && this.repository(from, false)?.blobs.has(mount)) {
      this.repository(name, true)?.blobs.add(mount);
      return reply(201, { location: `/v2/${name}/blobs/${mount}`, "docker-content-digest": mount, "content-length": "0" });
    }
    // Like Distribution 2.8, a `digest` here does not make a monolithic upload: the session starts empty.
    const uuid = randomUUID();
    this.uploads.set(uuid, { repository: name, chunks: [], size: 0 });
    return reply(202, this.uploadHeaders(name, uuid, 0));
  }

  private uploadHeaders(name: string, uuid: string, size: number): Record<string, string> {
    return {
      location: `/v2/${name}/blobs/uploads/${uuid}`,
      range: `0-${Math.max(0, size - 1)}`,
      "docker-upload-uuid": uuid,
      "content-length": "0",
    };
  }

  private continueUpload(method: string, name: string, uuid: string, query: URLSearchParams, body: Buffer): RegistryResponse {
    const upload = this.uploads.get(uuid);
    if (!upload || upload.repository !== name) return registryError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
    if (method === "GET") return reply(204, this.uploadHeaders(name, uuid, upload.size));
    if (method === "DELETE") {
      this.uploads.delete(uuid);
      return reply(204, { "content-length": "0" });
    }
    if (method !== "PATCH" && method !== "PUT") return this.unsupported();
    if (body.length > 0) {
      upload.chunks.push(body);
      upload.size += body.length;
    }
    if (method === "PATCH") return reply(202, this.uploadHeaders(name, uuid, upload.size));
    const digest = query.get("digest") ?? "";
    const content = Buffer.concat(upload.chunks);
    if (!DIGEST.test(digest) || sha256(content) !== digest) {
      return registryError(400, "DIGEST_INVALID", "provided digest did not match uploaded content", { digest });
    }
    this.uploads.delete(uuid);
    this.blobs.set(digest, content);
    this.repository(name, true)?.blobs.add(digest);
    return reply(201, { location: `/v2/${name}/blobs/${digest}`, "docker-content-digest": digest, "content-length": "0" });
  }

  private blob(method: string, name: string, digest: string, headers: Record<string, string>): RegistryResponse {
    const repository = this.repository(name, false);
    const content = repository?.blobs.has(digest) ? this.blobs.get(digest) : undefined;
    if (method === "DELETE") {
      if (!content || !repository) return registryError(404, "BLOB_UNKNOWN", "blob unknown to registry", digest);
      repository.blobs.delete(digest);
      return reply(202, { "content-length": "0", "docker-content-digest": digest });
    }
    if (method !== "GET" && method !== "HEAD") return this.unsupported();
    if (!content) {
      return method === "HEAD" ? reply(404, { "content-length": "0" }) : registryError(404, "BLOB_UNKNOWN", "blob unknown to registry", digest);
    }
    const common = {
      "content-type": "application/octet-stream",
      "docker-content-digest": digest,
      etag: `"${digest}"`,
      "accept-ranges": "bytes",
      "cache-control": "max-age=31536000",
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(headers.range ?? "");
    if (range?.[1] !== undefined && method === "GET") {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), content.length - 1) : content.length - 1;
      if (start > end) return reply(416, { "content-range": `bytes */${content.length}` });
      const slice = content.subarray(start, end + 1);
      return reply(206, { ...common, "content-range": `bytes ${start}-${end}/${content.length}`, "content-length": String(slice.length) }, slice);
    }
    return reply(200, { ...common, "content-length": String(content.length) }, method === "HEAD" ? Buffer.alloc(0) : content);
  }

  private manifest(method: string, name: string, reference: string, headers: Record<string, string>, body: Buffer): RegistryResponse {
    if (method === "PUT") return this.putManifest(name, reference, headers["content-type"], body);
    const repository = this.repository(name, false);
    const isDigestRef = reference.includes(":");
    const digest = isDigestRef ? reference : repository?.tags.get(reference);
    const stored = digest ? repository?.manifests.get(digest) : undefined;

    if (method === "DELETE") {
      // Distribution 2.8 refuses to delete by tag as an invalid digest.
      if (!isDigestRef) return registryError(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
      if (!repository || !stored || !digest) {
        return registryError(404, "MANIFEST_UNKNOWN", "manifest unknown", { Name: name, Revision: reference });
      }
      repository.manifests.delete(digest);
      for (const [tag, target] of [...repository.tags]) if (target === digest) repository.tags.delete(tag);
      return reply(202, { "content-length": "0" });
    }
    if (method !== "GET" && method !== "HEAD") return this.unsupported();

    const unknown = (): RegistryResponse => {
      if (method === "HEAD") return reply(404, { "content-length": "0" });
      const detail = isDigestRef ? { Name: name, Revision: reference } : { Tag: reference };
      return registryError(404, "MANIFEST_UNKNOWN", "manifest unknown", detail);
    };
    if (!stored || !digest) return unknown();
    // Distribution 2.8 will not serve an OCI manifest to a client that doesn't accept OCI.
    const accepts = (headers.accept ?? "").split(",").map((part) => part.split(";")[0]?.trim() ?? "");
    const isOci = stored.mediaType === MediaTypes.ociManifest || stored.mediaType === MediaTypes.ociIndex;
    if (isOci && !accepts.includes(stored.mediaType)) {
      if (method === "HEAD") return reply(404, { "content-length": "0" });
      return registryError(404, "MANIFEST_UNKNOWN", "OCI manifest found, but accept header does not support OCI manifests");
    }
    return reply(
      200,
      {
        "content-type": stored.mediaType,
        "docker-content-digest": digest,
        etag: `"${digest}"`,
        "content-length": String(stored.content.length),
      },
      method === "HEAD" ? Buffer.alloc(0) : stored.content,
    );
  }

  private putManifest(name: string, reference: string, contentType: string | undefined, body: Buffer): RegistryResponse {
    if (!isValidRepositoryName(name)) return registryError(400, "NAME_INVALID", "invalid repository name", { name });
    let parsed: Record<string, unknown>;
    try {
      const value = JSON.parse(body.toString("utf8")) as unknown;
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
      parsed = value as Record<string, unknown>;
    } catch {
      return registryError(400, "MANIFEST_INVALID", "manifest invalid", "invalid JSON");
    }
    const mediaType = manifestMediaType(contentType, parsed);
    const digest = sha256(body);
    if (reference.includes(":") && reference !== digest) {
      return registryError(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
    }
    const repository = this.repository(name, true);
    if (!repository) return registryError(500, "UNKNOWN", "unknown error");

    let missing: string[];
    if (mediaType === MediaTypes.ociManifest || mediaType === MediaTypes.dockerManifest) {
      const config = (parsed.config as { digest?: unknown } | undefined)?.digest;
      if (typeof config !== "string" || !Array.isArray(parsed.layers)) {
        return registryError(400, "MANIFEST_INVALID", "manifest invalid", "config and layers are required");
      }
      missing = [config, ...descriptorDigests(parsed.layers)].filter((ref) => !repository.blobs.has(ref));
    } else if (mediaType === MediaTypes.ociIndex || mediaType === MediaTypes.dockerManifestList) {
      missing = descriptorDigests(parsed.manifests).filter((ref) => !repository.manifests.has(ref));
    } else {
      return registryError(400, "MANIFEST_INVALID", "manifest invalid", `unsupported manifest media type ${String(mediaType)}`);
    }
    if (missing.length > 0) {
      return {
        status: 400,
        headers: { ...API_HEADERS, "content-type": "application/json; charset=utf-8" },
        body: Buffer.from(JSON.stringify({ errors: missing.map((ref) => ({ code: "MANIFEST_BLOB_UNKNOWN", message: "blob unknown to registry", detail: ref })) })),
      };
    }
    repository.manifests.set(digest, { mediaType, content: Buffer.from(body) });
    if (!reference.includes(":")) {
      repository.tags.set(reference, digest);
      repository.everTagged = true;
    }
    return reply(201, { location: `/v2/${name}/manifests/${digest}`, "docker-content-digest": digest, "content-length": "0" });
  }
}
