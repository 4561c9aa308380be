/**
 * ACR's own metadata API (`/acr/v1/...`), which `@azure/container-registry` uses for tag and manifest
 * properties (`getArtifact(repo, tag).getManifestProperties()` is GET `_tags/{tag}` then GET
 * `_manifests/{digest}`). Distribution has no such API, so it is derived here from Distribution calls on
 * the backend: the digest from a manifest HEAD, sizes and platform from the manifest and config blob.
 */
import type { SandboxReply } from "../../kernel/types.js";
import type { ArtifactTimes } from "./artifactTimes.js";
import { MANIFEST_MEDIA_TYPES, MediaTypes, type RegistryBackend } from "./registryBackend.js";

/** One registry as the metadata API sees it. */
export interface RegistryView {
  loginServer: string;
  backend: RegistryBackend;
  /** The backend repository name for an ACR repository name. */
  upstream(repository: string): string;
  /** ACR repository names in this registry, sorted. */
  repositories(): Promise<string[]>;
  times: ArtifactTimes;
}

const CHANGEABLE = { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true };
const ACCEPT_ALL = MANIFEST_MEDIA_TYPES.join(", ");

/** An ACR error reply, `{ "errors": [{ code, message, detail }] }`. */
export function acrError(status: number, code: string, message: string, detail?: unknown): SandboxReply {
  return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: { errors: [{ code, message, detail: detail ?? null }] } };
}

function nameUnknown(repository: string): SandboxReply {
  return acrError(404, "NAME_UNKNOWN", "repository name not known to registry", { name: repository });
}

async function repositoryExists(view: RegistryView, repository: string): Promise<boolean> {
  const tags = await view.backend.send({ method: "GET", path: `/v2/${view.upstream(repository)}/tags/list` });
  return tags.status === 200;
}

async function tagNames(view: RegistryView, repository: string): Promise<string[] | undefined> {
  const response = await view.backend.send({ method: "GET", path: `/v2/${view.upstream(repository)}/tags/list` });
  if (response.status !== 200) return undefined;
  const parsed = JSON.parse(response.body.toString("utf8")) as { tags?: string[] | null };
  return [...(parsed.tags ?? [])].sort();
}

async function digestOf(view: RegistryView, repository: string, reference: string): Promise<string | undefined> {
  const head = await view.backend.send({ method: "HEAD", path: `/v2/${view.upstream(repository)}/manifests/${reference}`, headers: { accept: ACCEPT_ALL } });
  return head.status === 200 ? head.headers["docker-content-digest"] : undefined;
}

async function tagProperties(view: RegistryView, repository: string, tag: string): Promise<Record<string, unknown> | undefined> {
  const digest = await digestOf(view, repository, tag);
  if (!digest) return undefined;
  return { name: tag, digest, ...view.times.tag(view.loginServer, repository, tag, digest), signed: false, changeableAttributes: CHANGEABLE };
}

interface ManifestFacts {
  mediaType: string;
  size: number;
  architecture?: string;
  os?: string;
  references?: { digest: string; architecture?: string; os?: string }[];
}

async function manifestFacts(view: RegistryView, repository: string, digest: string): Promise<ManifestFacts | undefined> {
  const upstream = view.upstream(repository);
  const response = await view.backend.send({ method: "GET", path: `/v2/${upstream}/manifests/${digest}`, headers: { accept: ACCEPT_ALL } });
  if (response.status !== 200) return undefined;
  const mediaType = response.headers["content-type"] ?? MediaTypes.ociManifest;
  const manifest = JSON.parse(response.body.toString("utf8")) as {
    config?: { digest?: string; size?: number; mediaType?: string };
    layers?: { size?: number }[];
    manifests?: { digest?: string; platform?: { architecture?: string; os?: string } }[];
  };
  if (manifest.manifests) {
    return {
      mediaType,
      size: response.body.length,
      references: manifest.manifests.map((entry) => ({ digest: entry.digest ?? "", architecture: entry.platform?.architecture, os: entry.platform?.os })),
    };
  }
  const size = (manifest.config?.size ?? 0) + (manifest.layers ?? []).reduce((sum, layer) => sum + (layer.size ?? 0), 0);
  const facts: ManifestFacts = { mediaType, size };
  const configDigest = manifest.config?.digest;
  if (configDigest && (manifest.config?.mediaType === MediaTypes.ociConfig || manifest.config?.mediaType === MediaTypes.dockerConfig)) {
    const config = await view.backend.send({ method: "GET", path: `/v2/${upstream}/blobs/${configDigest}` });
    if (config.status === 200) {
      const parsed = JSON.parse(config.body.toString("utf8")) as { architecture?: string; os?: string };
      facts.architecture = parsed.architecture;
      facts.os = parsed.os;
    }
  }
  return facts;
}

/** Tags of `repository` grouped by the digest they point at; undefined when the repository is unknown. */
async function tagsByDigest(view: RegistryView, repository: string): Promise<Map<string, string[]> | undefined> {
  const names = await tagNames(view, repository);
  if (!names) return undefined;
  const byDigest = new Map<string, string[]>();
  for (const tag of names) {
    const digest = await digestOf(view, repository, tag);
    if (digest) byDigest.set(digest, [...(byDigest.get(digest) ?? []), tag]);
  }
  return byDigest;
}

/** ACR's manifest attributes for `digest`, or undefined when the registry doesn't have it. */
async function manifestAttributes(
  view: RegistryView,
  repository: string,
  digest: string,
  byDigest: Map<string, string[]> | undefined,
): Promise<Record<string, unknown> | undefined> {
  const facts = await manifestFacts(view, repository, digest);
  if (!facts) return undefined;
  return {
    digest,
    imageSize: facts.size,
    ...view.times.manifest(view.loginServer, repository, digest),
    architecture: facts.architecture ?? null,
    os: facts.os ?? null,
    mediaType: facts.mediaType,
    references: facts.references,
    tags: byDigest?.get(digest) ?? [],
    changeableAttributes: CHANGEABLE,
  };
}

/** Serves `GET /acr/v1/...` for one registry; `subpath` starts after `/acr/v1`. */
export async function serveAcrMetadata(view: RegistryView, method: string, subpath: string, query: URLSearchParams): Promise<SandboxReply> {
  if (method !== "GET") return acrError(405, "UNSUPPORTED", `The sandbox's ACR metadata API doesn't support ${method}.`);
  const { loginServer: registry } = view;

  if (subpath === "/_catalog") {
    const all = await view.repositories();
    const last = query.get("last");
    const n = Number(query.get("n") ?? "");
    const after = last ? all.filter((name) => name > last) : all;
    const shown = Number.isInteger(n) && n > 0 ? after.slice(0, n) : after;
    return { status: 200, body: { repositories: shown } };
  }

  let match = /^\/(.+)\/_tags\/([^/]+)$/.exec(subpath);
  if (match?.[1] && match[2]) {
    const [repository, tag] = [match[1], match[2]];
    const properties = await tagProperties(view, repository, tag);
    if (properties) return { status: 200, body: { registry, imageName: repository, tag: properties } };
    if (!(await repositoryExists(view, repository))) return nameUnknown(repository);
    return acrError(404, "TAG_UNKNOWN", "the specified tag does not exist", { name: repository, tag });
  }

  match = /^\/(.+)\/_tags$/.exec(subpath);
  if (match?.[1]) {
    const repository = match[1];
    const names = await tagNames(view, repository);
    if (!names) return nameUnknown(repository);
    let tags = (await Promise.all(names.map((tag) => tagProperties(view, repository, tag)))).filter((entry) => entry !== undefined);
    // `digest` narrows the list to one artifact's tags (RegistryArtifact.listTagProperties); `last`/`n` page by name.
    const digest = query.get("digest");
    if (digest) tags = tags.filter((entry) => entry.digest === digest);
    const last = query.get("last");
    if (last) tags = tags.filter((entry) => String(entry.name) > last);
    const n = Number(query.get("n") ?? "");
    if (Number.isInteger(n) && n > 0) tags = tags.slice(0, n);
    return { status: 200, body: { registry, imageName: repository, tags } };
  }

  match = /^\/(.+)\/_manifests\/([^/]+)$/.exec(subpath);
  if (match?.[1] && match[2]) {
    const [repository, digest] = [match[1], match[2]];
    const attributes = await manifestAttributes(view, repository, digest, await tagsByDigest(view, repository));
    if (!attributes) {
      if (!(await repositoryExists(view, repository))) return nameUnknown(repository);
      return acrError(404, "MANIFEST_UNKNOWN", "manifest unknown", { name: repository, revision: digest });
    }
    return { status: 200, body: { registry, imageName: repository, manifest: attributes } };
  }

  match = /^\/(.+)\/_manifests$/.exec(subpath);
  if (match?.[1]) {
    const repository = match[1];
    // Distribution can only enumerate tagged manifests, so untagged ones are not listed.
    const byDigest = await tagsByDigest(view, repository);
    if (!byDigest) return nameUnknown(repository);
    const manifests = [];
    for (const digest of [...byDigest.keys()].sort()) {
      const attributes = await manifestAttributes(view, repository, digest, byDigest);
      if (attributes) manifests.push(attributes);
    }
    return { status: 200, body: { registry, imageName: repository, manifests } };
  }

  match = /^\/([^_].*)$/.exec(subpath);
  if (match?.[1] && !match[1].includes("/_")) {
    const repository = match[1];
    const names = await tagNames(view, repository);
    if (!names) return nameUnknown(repository);
    const byDigest = (await tagsByDigest(view, repository)) ?? new Map<string, string[]>();
    return {
      status: 200,
      body: {
        registry,
        imageName: repository,
        ...view.times.repository(registry, repository),
        manifestCount: byDigest.size,
        tagCount: names.length,
        changeableAttributes: { ...CHANGEABLE, teleportEnabled: false },
      },
    };
  }
  return acrError(404, "NOT_FOUND", `The sandbox's ACR metadata API has no route for ${subpath}.`);
}
