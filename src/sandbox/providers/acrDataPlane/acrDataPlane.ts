/**
 * The ACR data plane of the sandbox: ACR's token layer and challenge-based auth in front of a real
 * Distribution registry (or the in-memory stand-in), per login server under `/registries/<loginServer>`.
 *
 * - `POST /oauth2/exchange`: AAD access token → ACR refresh token; `POST /oauth2/token`: refresh token →
 *   access token for a scope; `GET /oauth2/token` with basic auth (null GUID + refresh token): the
 *   Docker token flow of docker, skopeo and oras. Requests without a valid access token get ACR's 401 with
 *   `WWW-Authenticate: Bearer realm="<endpoint>/oauth2/token",service="<loginServer>",scope="…"`.
 * - `/v2/...` is forwarded to the backend under the repository name `<namespace>/<loginServer>/<repo>`
 *   (so registries, and sandboxes sharing one docker-registry, never see each other), with `Location`,
 *   `Link` and JSON bodies re-homed to the client's names; `Docker-Content-Digest` and friends pass through.
 * - `/acr/v1/...` (tag and manifest properties, tag lists, catalog) is derived from the backend.
 */
import type { PushedManifest, RegistryArtifactEvent, RegistryEventSink, SandboxContext, SandboxReply, SandboxRequest } from "../../kernel/types.js";
import { AcrTokens, grantsAccess, parseScopes, type AccessEntry, type AcrTokenLifetimes } from "./acrTokens.js";
import { acrError, serveAcrMetadata, type RegistryView } from "./acrMetadataApi.js";
import { ArtifactTimes, type ArtifactTimesSnapshot } from "./artifactTimes.js";
import {
  REGISTRY_PATH_PREFIX,
  isValidLoginServer,
  isValidRepositoryName,
  isValidTag,
  normalizeLoginServer,
  registryEndpoint,
} from "./endpoints.js";
import { pushManifest, RegistryPushError } from "./manifestPusher.js";
import { PendingWork } from "./pendingWork.js";
import type { RegistryBackend, RegistryRequest, RegistryResponse } from "./registryBackend.js";
import { buildSandboxImage, type SandboxLayerFile } from "./sandboxImage.js";

/** Options for {@link AcrDataPlane}. */
export interface AcrDataPlaneSettings {
  backend: RegistryBackend;
  /** First path component(s) of every backend repository name; must be a valid repository name. */
  namespace: string;
  /** Decides whether an AAD access token presented to `/oauth2/exchange` is accepted. */
  acceptAadToken: (token: string) => boolean;
  tokenLifetimes?: AcrTokenLifetimes;
  /** Told about every push and delete that lands (the registry's webhooks listen here). */
  events?: RegistryEventSink;
}

/** Who pushes: the user agent a webhook payload names as `request.useragent`. */
export const PUSH_USER_AGENTS = {
  /** An ACR Tasks run's BuildKit push (what `buildx build --push` sends). */
  run: "buildkit/v0.23 (ACR Tasks run)",
  /** A scenario push through the sandbox's control route or scenario API. */
  scenario: "aca-rollout-sandbox (scenario push)",
} as const;

/** Options for seeding an image. */
export interface SeedImageOptions {
  /** Extra layers, one file each. */
  layers?: readonly SandboxLayerFile[];
  /** Makes the image distinct; a fresh id when omitted. */
  nonce?: string;
  architecture?: string;
  os?: string;
}

/** A push that failed, kept for the state view. */
export interface PushFailure {
  loginServer: string;
  repository: string;
  tag: string;
  status: number;
  code: string | undefined;
  message: string;
}

/** The data plane as a persistent sandbox saves it; the backend's contents only when it is the in-memory one. */
export interface DataPlaneSnapshot {
  namespace: string;
  generation: number;
  signingKeyBase64: string;
  times: ArtifactTimesSnapshot;
  knownRegistries: string[];
  counters: DataPlaneCounters;
  failures: PushFailure[];
  backend?: unknown;
}

/** Counters for tests and the state view. */
export interface DataPlaneCounters {
  exchanges: number;
  accessTokens: number;
  challenges: number;
  pushes: number;
}

/** What a data-plane path addresses, after the `/registries/<loginServer>` prefix. */
type Target =
  | { kind: "exchange" }
  | { kind: "token" }
  | { kind: "base" }
  | { kind: "catalog" }
  | { kind: "repository"; repository: string; tail: string }
  | { kind: "metadata"; repository: string | undefined; subpath: string };

/** The access a request needs, as a challenge scope. */
interface RequiredAccess {
  type: AccessEntry["type"];
  name: string;
  /** The action that must be granted. */
  action: string;
  /** The scope to put in the challenge (may ask for more than `action`, as ACR does for pushes). */
  scope: string;
}

const DISTRIBUTION_HEADERS = { "docker-distribution-api-version": "registry/2.0" };
const REPOSITORY_TAIL = /^\/v2\/(.+?)\/(manifests\/[^/]+|blobs\/uploads\/?[^/]*|blobs\/[^/]+|tags\/list)$/;
const UNAUTHORIZED_MESSAGE = "authentication required, visit https://aka.ms/acr/authorization for more information.";
const MAX_FAILURES_KEPT = 20;
/** The user name ACR takes with a refresh token as password (docs: "az acr login --expose-token"). */
const NULL_GUID_USER = "00000000-0000-0000-0000-000000000000";
const MANIFEST_ACCEPT =
  "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";
// Request headers worth forwarding to the registry; everything else (auth, host, tracing) stays here.
const FORWARDED_REQUEST_HEADERS = ["accept", "content-type", "range", "content-range"];

function decodeSegments(path: string): string {
  return path
    .split("/")
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    })
    .join("/");
}

function formOf(request: SandboxRequest): URLSearchParams {
  const form = new URLSearchParams(request.rawBody.toString("utf8"));
  // Docker-style clients may send parameters in the query instead.
  for (const [name, value] of request.query) if (!form.has(name)) form.set(name, value);
  return form;
}

/** The sandbox's ACR data plane for any number of login servers. */
export class AcrDataPlane {
  private readonly tokens: AcrTokens;
  private readonly times: ArtifactTimes;
  private readonly pending = new PendingWork();
  private readonly knownRegistries = new Set<string>();
  private failures: PushFailure[] = [];
  private counters: DataPlaneCounters = { exchanges: 0, accessTokens: 0, challenges: 0, pushes: 0 };
  private generation = 0;
  /** First component of backend names; a restored sandbox takes over its predecessor's. */
  private namespace: string;
  /** The origin requests arrive on, remembered so the state view can show endpoints. */
  private lastOrigin: string | undefined;

  constructor(
    private readonly context: SandboxContext,
    private readonly settings: AcrDataPlaneSettings,
  ) {
    if (!isValidRepositoryName(settings.namespace)) throw new Error(`Invalid registry namespace: ${settings.namespace}`);
    this.namespace = settings.namespace;
    this.tokens = new AcrTokens(context.clock, () => context.newId(), settings.tokenLifetimes);
    this.times = new ArtifactTimes(context.clock);
  }

  /** The backend in use. */
  get backend(): RegistryBackend {
    return this.settings.backend;
  }

  /** The backend repository name of `loginServer/repository`. */
  upstreamName(loginServer: string, repository: string): string {
    return `${this.namespacePrefix()}/${normalizeLoginServer(loginServer)}/${repository}`;
  }

  /** Handles a request under `/registries/{loginServer}/...`. */
  async handle(request: SandboxRequest): Promise<SandboxReply> {
    const prefix = new RegExp(`^${REGISTRY_PATH_PREFIX}/([^/]+)(/.*)?$`, "i");
    const match = prefix.exec(request.path);
    const loginServer = normalizeLoginServer(decodeSegments(match?.[1] ?? ""));
    if (!match || !isValidLoginServer(loginServer)) return acrError(404, "NOT_FOUND", "No such registry.");
    this.knownRegistries.add(loginServer);
    this.lastOrigin = request.origin;
    const subpath = decodeSegments(match[2] ?? "/");
    const target = this.targetOf(subpath);
    if (!target) return acrError(404, "NOT_FOUND", `The sandbox's ACR data plane has no route for ${subpath}.`);
    if (target.kind === "metadata" && target.repository !== undefined && !isValidRepositoryName(target.repository)) {
      return acrError(400, "NAME_INVALID", "invalid repository name", { name: target.repository });
    }
    // A push announced a moment ago must be visible to the very next read.
    await this.pending.settled();

    if (target.kind === "exchange") return this.exchange(request, loginServer);
    if (target.kind === "token") return this.accessToken(request, loginServer);

    const denied = this.authorize(request, loginServer, target);
    if (denied) return denied;

    switch (target.kind) {
      case "base":
        return { status: 200, headers: { ...DISTRIBUTION_HEADERS }, body: {} };
      case "catalog": {
        const repositories = await this.repositories(loginServer);
        return { status: 200, headers: { ...DISTRIBUTION_HEADERS }, body: { repositories } };
      }
      case "metadata":
        return serveAcrMetadata(this.view(loginServer), request.method, target.subpath, request.query);
      case "repository":
        return this.forward(request, loginServer, target.repository, target.tail);
    }
  }

  /**
   * Makes `loginServer/repository:tag` serve an image and resolves with the digest the registry reports.
   * With `manifest`, that manifest is pushed (blobs from its descriptors' embedded `data`) and must
   * hash to `digest`; without, a fresh sandbox image is built. Failures are kept for the state view.
   */
  pushImage(
    loginServer: string,
    repository: string,
    tag: string,
    digest?: string,
    manifest?: PushedManifest,
    seed: SeedImageOptions = {},
    userAgent: string = manifest ? PUSH_USER_AGENTS.run : PUSH_USER_AGENTS.scenario,
  ): Promise<string> {
    const registry = normalizeLoginServer(loginServer);
    const work = (async (): Promise<string> => {
      if (!isValidLoginServer(registry)) throw new RegistryPushError(`Invalid login server ${loginServer}`, 400, "NAME_INVALID");
      if (!isValidRepositoryName(repository)) throw new RegistryPushError(`Invalid repository name ${repository}`, 400, "NAME_INVALID");
      if (!isValidTag(tag)) throw new RegistryPushError(`Invalid tag ${tag}`, 400, "TAG_INVALID");
      this.knownRegistries.add(registry);
      let blobs = new Map<string, Buffer>();
      let toPush = manifest;
      if (!toPush) {
        const image = buildSandboxImage({ ...seed, loginServer: registry, repository, tag, nonce: seed.nonce ?? this.context.newId() });
        toPush = image.manifest;
        blobs = new Map([image.config, ...image.layers].map((blob) => [blob.digest, blob.content]));
      }
      const reported = await pushManifest(this.backend, this.upstreamName(registry, repository), tag, toPush, blobs);
      if (digest && reported !== digest) {
        throw new RegistryPushError(`The registry stored ${repository}:${tag} as ${reported}, but the push announced ${digest}`, 400, "DIGEST_INVALID");
      }
      this.times.recordTag(registry, repository, tag, reported);
      this.counters.pushes += 1;
      this.emit({ action: "push", loginServer: registry, repository, tag, digest: reported, mediaType: toPush.mediaType, size: toPush.content.length, method: "PUT", userAgent });
      // Pushes finish outside any request (a run's announcement, a seed): a persistent sandbox saves now.
      this.context.stateChanged?.();
      return reported;
    })();
    work.catch((error: unknown) => this.recordFailure(registry, repository, tag, error));
    return this.pending.track(work);
  }

  /** The digest `loginServer/repository:tag` resolves to, or undefined. */
  async resolveTag(loginServer: string, repository: string, tag: string): Promise<string | undefined> {
    if (!isValidLoginServer(normalizeLoginServer(loginServer)) || !isValidRepositoryName(repository) || !isValidTag(tag)) return undefined;
    await this.pending.settled();
    const head = await this.backend.send({
      method: "HEAD",
      path: `/v2/${this.upstreamName(loginServer, repository)}/manifests/${tag}`,
      headers: { accept: MANIFEST_ACCEPT },
    });
    return head.status === 200 ? head.headers["docker-content-digest"] : undefined;
  }

  /** Whether `loginServer/repository` has a manifest for `reference` (a tag or a `sha256:` digest). */
  async hasManifest(loginServer: string, repository: string, reference: string): Promise<boolean> {
    const registry = normalizeLoginServer(loginServer);
    if (!isValidLoginServer(registry) || !isValidRepositoryName(repository)) return false;
    if (!isValidTag(reference) && !/^sha256:[0-9a-f]{64}$/.test(reference)) return false;
    await this.pending.settled();
    const head = await this.backend.send({
      method: "HEAD",
      path: `/v2/${this.upstreamName(registry, repository)}/manifests/${reference}`,
      headers: { accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json" },
    });
    return head.status === 200;
  }

  /** Whether this data plane has served (or been pushed to as) `loginServer`. */
  serves(loginServer: string): boolean {
    return this.knownRegistries.has(normalizeLoginServer(loginServer));
  }

  /** Resolves once every announced push has been stored (or has failed). */
  whenIdle(): Promise<void> {
    return this.pending.settled();
  }

  /** How many pushes were ever announced (monotonic), so a caller can tell whether new ones started. */
  pushesStarted(): number {
    return this.pending.started;
  }

  /** Pushes that failed since the last reset, oldest first. */
  pushFailures(): PushFailure[] {
    return [...this.failures];
  }

  /** Token and push counters since the last reset. */
  stats(): DataPlaneCounters {
    return { ...this.counters };
  }

  /** Login servers seen so far. */
  registries(): string[] {
    return [...this.knownRegistries].sort();
  }

  /** Everything needed after a restart: the namespace generation, the token key, timestamps, and the in-memory registry's contents. */
  snapshot(): DataPlaneSnapshot {
    return {
      namespace: this.namespace,
      generation: this.generation,
      signingKeyBase64: this.tokens.signingKey.toString("base64"),
      times: this.times.snapshot(),
      knownRegistries: this.registries(),
      counters: this.stats(),
      failures: this.pushFailures(),
      ...(this.backend.snapshot ? { backend: this.backend.snapshot() } : {}),
    };
  }

  /** Takes over a {@link snapshot}: the same namespace on docker-registry, the same images in memory, tokens still valid. */
  restore(snapshot: DataPlaneSnapshot): void {
    if (!isValidRepositoryName(snapshot.namespace)) throw new Error(`Invalid registry namespace: ${snapshot.namespace}`);
    this.namespace = snapshot.namespace;
    this.generation = snapshot.generation;
    this.tokens.signingKey = Buffer.from(snapshot.signingKeyBase64, "base64");
    this.times.restore(snapshot.times);
    this.knownRegistries.clear();
    for (const registry of snapshot.knownRegistries) this.knownRegistries.add(registry);
    this.counters = { ...snapshot.counters };
    this.failures = [...snapshot.failures];
    if (snapshot.backend !== undefined) this.backend.restore?.(snapshot.backend);
  }

  /** Forgets everything: a fresh namespace on the real registry, an empty in-memory one. */
  reset(): void {
    this.generation += 1;
    this.settings.backend.clear?.();
    this.times.clear();
    this.knownRegistries.clear();
    this.failures = [];
    this.counters = { exchanges: 0, accessTokens: 0, challenges: 0, pushes: 0 };
  }

  /** A JSON summary for `GET /_sandbox/state` (endpoints once a request has shown the origin). */
  state(origin: string | undefined = this.lastOrigin): unknown {
    return {
      backend: this.backend.kind,
      description: this.backend.description,
      namespace: this.namespacePrefix(),
      registries: Object.fromEntries(this.registries().map((server) => [server, origin ? registryEndpoint(origin, server) : null])),
      pendingPushes: this.pending.size,
      counters: this.stats(),
      pushFailures: this.pushFailures(),
    };
  }

  private namespacePrefix(): string {
    return `${this.namespace}-g${this.generation}`;
  }

  private recordFailure(loginServer: string, repository: string, tag: string, error: unknown): void {
    const failure: PushFailure = {
      loginServer,
      repository,
      tag,
      status: error instanceof RegistryPushError ? error.status : 500,
      code: error instanceof RegistryPushError ? error.code : undefined,
      message: error instanceof Error ? error.message : String(error),
    };
    this.failures.push(failure);
    if (this.failures.length > MAX_FAILURES_KEPT) this.failures.shift();
  }

  private targetOf(subpath: string): Target | undefined {
    const path = subpath.replace(/\/{2,}/g, "/");
    const lower = path.toLowerCase();
    if (lower === "/oauth2/exchange") return { kind: "exchange" };
    if (lower === "/oauth2/token") return { kind: "token" };
    if (path === "/v2" || path === "/v2/") return { kind: "base" };
    if (path === "/v2/_catalog") return { kind: "catalog" };
    const repositoryMatch = REPOSITORY_TAIL.exec(path);
    if (repositoryMatch?.[1] && repositoryMatch[2]) return { kind: "repository", repository: repositoryMatch[1], tail: repositoryMatch[2] };
    if (path.startsWith("/acr/v1/")) {
      const metadataPath = path.slice("/acr/v1".length);
      if (metadataPath === "/_catalog") return { kind: "metadata", repository: undefined, subpath: metadataPath };
      const repository = /^\/(.+?)(?:\/_(?:tags|manifests)(?:\/[^/]+)?)?$/.exec(metadataPath)?.[1];
      return repository ? { kind: "metadata", repository, subpath: metadataPath } : undefined;
    }
    return undefined;
  }

  private requiredAccess(method: string, target: Target): RequiredAccess | undefined {
    if (target.kind === "catalog" || (target.kind === "metadata" && target.repository === undefined)) {
      return { type: "registry", name: "catalog", action: "*", scope: "registry:catalog:*" };
    }
    if (target.kind === "repository") {
      const name = target.repository;
      if (method === "GET" || method === "HEAD") return { type: "repository", name, action: "pull", scope: `repository:${name}:pull` };
      if (method === "DELETE") return { type: "repository", name, action: "delete", scope: `repository:${name}:delete` };
      return { type: "repository", name, action: "push", scope: `repository:${name}:pull,push` };
    }
    if (target.kind === "metadata" && target.repository !== undefined) {
      const name = target.repository;
      if (method === "GET") return { type: "repository", name, action: "metadata_read", scope: `repository:${name}:metadata_read` };
      if (method === "DELETE") return { type: "repository", name, action: "delete", scope: `repository:${name}:delete` };
      return { type: "repository", name, action: "metadata_write", scope: `repository:${name}:metadata_write` };
    }
    return undefined;
  }

  /** ACR's bearer check: a valid access token for this registry granting the needed action, or a 401 challenge. */
  private authorize(request: SandboxRequest, loginServer: string, target: Target): SandboxReply | undefined {
    const required = this.requiredAccess(request.method, target);
    const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
    let problem: string | undefined;
    if (presented) {
      const verified = this.tokens.verify(presented, { service: loginServer, grantType: "access_token" });
      if (!verified.ok) problem = verified.reason;
      else if (required && !grantsAccess(verified.claims, required.type, required.name, required.action)) problem = "insufficient scope";
      else return undefined;
    }
    this.counters.challenges += 1;
    const realm = `${registryEndpoint(request.origin, loginServer)}/oauth2/token`;
    const parts = [`Bearer realm="${realm}"`, `service="${loginServer}"`];
    if (required) parts.push(`scope="${required.scope}"`);
    if (problem) parts.push(`error="${problem === "insufficient scope" ? "insufficient_scope" : "invalid_token"}"`);
    const detail = required ? [{ Type: required.type, Name: required.name, Action: required.action }] : null;
    const reply = acrError(401, "UNAUTHORIZED", UNAUTHORIZED_MESSAGE, detail);
    return { ...reply, headers: { ...reply.headers, ...DISTRIBUTION_HEADERS, "www-authenticate": parts.join(",") } };
  }

  /** `POST /oauth2/exchange`: AAD access token (or an ACR refresh token) → ACR refresh token. */
  private exchange(request: SandboxRequest, loginServer: string): SandboxReply {
    if (request.method !== "POST") return acrError(405, "UNSUPPORTED", "Use POST.");
    const form = formOf(request);
    const grantType = form.get("grant_type") ?? "";
    const service = normalizeLoginServer(form.get("service") ?? "");
    if (service !== loginServer) return acrError(400, "INVALID_REQUEST", `The service '${service}' is not this registry (${loginServer}).`);
    let subject: string;
    if (grantType === "access_token" || grantType === "access_token_refresh_token") {
      const aadToken = form.get("access_token") ?? "";
      if (!aadToken || !this.settings.acceptAadToken(aadToken)) return acrError(401, "UNAUTHORIZED", "The AAD access token is missing or invalid.");
      subject = AcrTokens.principalOf(aadToken);
    } else if (grantType === "refresh_token") {
      const verified = this.tokens.verify(form.get("refresh_token") ?? "", { service: loginServer, grantType: "refresh_token" });
      if (!verified.ok) return acrError(401, "UNAUTHORIZED", `The refresh token was refused: ${verified.reason}.`);
      subject = verified.claims.sub;
    } else {
      return acrError(400, "UNSUPPORTED", `Unsupported grant_type '${grantType}'.`);
    }
    this.counters.exchanges += 1;
    return { status: 200, body: { refresh_token: this.tokens.issueRefreshToken(loginServer, subject) } };
  }

  /**
   * `GET /oauth2/token?service=…&scope=…` with basic auth: the Docker token flow docker, skopeo and
   * oras follow after a 401 challenge. ACR takes the null GUID as user name with an ACR refresh token
   * as password (`az acr login --expose-token`); the sandbox plays no admin users or service
   * principal secrets, so other credentials are refused as ACR refuses wrong ones.
   */
  private basicAuthToken(request: SandboxRequest, loginServer: string): SandboxReply {
    const service = normalizeLoginServer(request.query.get("service") ?? "");
    if (service !== loginServer) return acrError(400, "INVALID_REQUEST", `The service '${service}' is not this registry (${loginServer}).`);
    const encoded = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
    const decoded = encoded ? Buffer.from(encoded, "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    const user = colon >= 0 ? decoded.slice(0, colon) : "";
    const password = colon >= 0 ? decoded.slice(colon + 1) : "";
    const refused = (): SandboxReply => {
      const reply = acrError(401, "UNAUTHORIZED", UNAUTHORIZED_MESSAGE);
      return { ...reply, headers: { ...reply.headers, "www-authenticate": `Basic realm="${registryEndpoint(request.origin, loginServer)}/oauth2/token"` } };
    };
    if (user !== NULL_GUID_USER) return refused();
    const verified = this.tokens.verify(password, { service: loginServer, grantType: "refresh_token" });
    if (!verified.ok) return refused();
    const access = request.query.getAll("scope").flatMap(parseScopes);
    this.counters.accessTokens += 1;
    return { status: 200, body: { access_token: this.tokens.issueAccessToken(loginServer, verified.claims.sub, access) } };
  }

  /** `POST /oauth2/token`: ACR refresh token → access token for the requested scope (`GET`: the basic-auth flow). */
  private accessToken(request: SandboxRequest, loginServer: string): SandboxReply {
    if (request.method === "GET") return this.basicAuthToken(request, loginServer);
    if (request.method !== "POST") return acrError(405, "UNSUPPORTED", "Use GET or POST.");
    const form = formOf(request);
    const grantType = form.get("grant_type") ?? "";
    const service = normalizeLoginServer(form.get("service") ?? "");
    if (service !== loginServer) return acrError(400, "INVALID_REQUEST", `The service '${service}' is not this registry (${loginServer}).`);
    if (grantType === "password") return acrError(401, "UNAUTHORIZED", "Anonymous pull is not enabled on this registry.");
    if (grantType !== "refresh_token") return acrError(400, "UNSUPPORTED", `Unsupported grant_type '${grantType}'.`);
    const verified = this.tokens.verify(form.get("refresh_token") ?? "", { service: loginServer, grantType: "refresh_token" });
    if (!verified.ok) return acrError(401, "UNAUTHORIZED", `The refresh token was refused: ${verified.reason}.`);
    const access = form.getAll("scope").flatMap(parseScopes);
    this.counters.accessTokens += 1;
    return { status: 200, body: { access_token: this.tokens.issueAccessToken(loginServer, verified.claims.sub, access) } };
  }

  /** Forwards a `/v2/<repo>/...` call to the backend and re-homes names in the answer. */
  private async forward(request: SandboxRequest, loginServer: string, repository: string, tail: string): Promise<SandboxReply> {
    // Names are validated before they become backend paths, so nothing can climb out of its namespace.
    if (!isValidRepositoryName(repository) || tail.split("/").some((part) => part === "." || part === "..")) {
      return { ...acrError(400, "NAME_INVALID", "invalid repository name", { name: repository }), headers: { ...DISTRIBUTION_HEADERS } };
    }
    const upstream = this.upstreamName(loginServer, repository);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    const method = request.method as RegistryRequest["method"];
    const manifestRef = /^manifests\/([^/]+)$/.exec(tail)?.[1];
    // A delete's webhook names what was deleted, which only a read before the delete can tell.
    const deleting = method === "DELETE" && manifestRef ? await this.manifestHead(upstream, manifestRef) : undefined;
    const response = await this.backend.send({
      method,
      path: `/v2/${upstream}/${tail}`,
      query: new URLSearchParams(request.query),
      headers,
      body: method === "GET" || method === "HEAD" ? undefined : request.rawBody,
    });
    const manifestTag = manifestRef && !manifestRef.includes(":") ? manifestRef : undefined;
    const userAgent = request.headers["user-agent"] ?? "";
    if (method === "PUT" && response.status === 201 && manifestRef) {
      const digest = response.headers["docker-content-digest"];
      if (digest && manifestTag) this.times.recordTag(loginServer, repository, manifestTag, digest);
      // A push by digest (a multi-arch image's children) is reported too, without a tag, as ACR does.
      const mediaType = request.headers["content-type"] ?? "application/vnd.oci.image.manifest.v1+json";
      if (digest) this.emit({ action: "push", loginServer, repository, ...(manifestTag ? { tag: manifestTag } : {}), digest, mediaType, size: request.rawBody.length, method, userAgent });
    }
    if (deleting && response.status === 202) this.emit({ action: "delete", loginServer, repository, digest: deleting.digest, mediaType: deleting.mediaType, method, userAgent });
    return this.rehome(response, method, `${this.namespacePrefix()}/${loginServer}/`);
  }

  /** The digest and media type of a manifest, or undefined when it is not there. */
  private async manifestHead(upstream: string, reference: string): Promise<{ digest: string; mediaType: string } | undefined> {
    const head = await this.backend.send({ method: "HEAD", path: `/v2/${upstream}/manifests/${reference}`, headers: { accept: MANIFEST_ACCEPT } });
    const digest = head.headers["docker-content-digest"];
    if (head.status !== 200 || !digest) return undefined;
    return { digest, mediaType: head.headers["content-type"] ?? "application/vnd.oci.image.manifest.v1+json" };
  }

  /** Tells the event sink; a faulty sink never breaks the registry. */
  private emit(event: RegistryArtifactEvent): void {
    try {
      this.settings.events?.onRegistryEvent(event);
    } catch {
      // The sink records its own failures (webhook deliveries keep theirs).
    }
  }

  /** Turns a backend response into the client's view: its own repository names, no upstream internals. */
  private rehome(response: RegistryResponse, method: string, upstreamPrefix: string): SandboxReply {
    const strip = (text: string): string => text.split(`/v2/${upstreamPrefix}`).join("/v2/");
    const headers: Record<string, string> = { ...DISTRIBUTION_HEADERS };
    for (const [name, value] of Object.entries(response.headers)) {
      if (name === "content-length" && method !== "HEAD") continue;
      headers[name] = name === "location" || name === "link" ? strip(value) : value;
    }
    let body = response.body;
    const contentType = (response.headers["content-type"] ?? "").toLowerCase();
    // Tag lists and error bodies name the upstream repository; manifests and blobs are bytes to keep as-is.
    if (contentType.startsWith("application/json") && body.length > 0) {
      body = Buffer.from(body.toString("utf8").split(upstreamPrefix).join(""), "utf8");
    }
    return { status: response.status, headers, body };
  }

  private view(loginServer: string): RegistryView {
    return {
      loginServer,
      backend: this.backend,
      upstream: (repository) => this.upstreamName(loginServer, repository),
      repositories: () => this.repositories(loginServer),
      times: this.times,
    };
  }

  /** ACR repository names of `loginServer`, from the backend's catalog. */
  private async repositories(loginServer: string): Promise<string[]> {
    const prefix = `${this.namespacePrefix()}/${loginServer}/`;
    const names: string[] = [];
    let query: URLSearchParams | undefined = new URLSearchParams({ n: "1000" });
    while (query) {
      const response = await this.backend.send({ method: "GET", path: "/v2/_catalog", query });
      if (response.status !== 200) break;
      const parsed = JSON.parse(response.body.toString("utf8")) as { repositories?: string[] | null };
      for (const name of parsed.repositories ?? []) if (name.startsWith(prefix)) names.push(name.slice(prefix.length));
      const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.link ?? "")?.[1];
      query = next ? new URL(next, "http://registry.invalid").searchParams : undefined;
    }
    return names.sort();
  }
}
