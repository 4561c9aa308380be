/**
 * The sandbox's ACR data plane as a provider: ACR's token layer and the Distribution API (backed by
 * Debian's docker-registry when given its URL, else an in-memory registry), served per login server at
 * `<origin>/registries/<loginServer>`, plus the `ImagePushSink` the ACR Tasks provider announces pushes to.
 *
 * Wiring: `createAcrDataPlaneProvider(context, { upstreamUrl: (await startDockerRegistry()).url })`, then
 * point the product at it with `ACA_ROLLOUT_REGISTRY_ENDPOINTS = registryEndpointsSetting(origin, ["demo.azurecr.io"])`.
 */
import { randomBytes } from "node:crypto";
import type { ImagePushSink, PushedManifest, RegistryEventSink, SandboxContext, SandboxProvider, SandboxRoute } from "../../kernel/types.js";
import { AcrDataPlane, type DataPlaneCounters, type DataPlaneSnapshot, type PushFailure, type SeedImageOptions } from "./acrDataPlane.js";
import type { AcrTokenLifetimes } from "./acrTokens.js";
import { ACR_TOKEN_LIFETIMES } from "./acrTokens.js";
import { dataPlaneControlRoutes } from "./control.js";
import { REGISTRY_PATH_PREFIX } from "./endpoints.js";
import { MemoryRegistry } from "./memoryRegistry.js";
import type { RegistryBackend } from "./registryBackend.js";
import { UpstreamRegistry } from "./upstreamRegistry.js";

export { registryEndpoint, registryEndpointsSetting, REGISTRY_PATH_PREFIX } from "./endpoints.js";
export { buildSandboxImage, type SandboxImage, type SandboxImageInput, type SandboxLayerFile } from "./sandboxImage.js";
export { RegistryPushError } from "./manifestPusher.js";
export type { DataPlaneCounters, PushFailure, SeedImageOptions } from "./acrDataPlane.js";

/** Options for {@link createAcrDataPlaneProvider}. */
export interface AcrDataPlaneOptions {
  /** URL of a running docker-registry (`startDockerRegistry().url`); omit to use the in-memory registry. */
  upstreamUrl?: string;
  /** A backend to use instead (tests); takes precedence over `upstreamUrl`. */
  backend?: RegistryBackend;
  /**
   * First component of every backend repository name, so sandboxes sharing one docker-registry stay
   * apart; a random `sandbox-<hex>` when omitted. Reset moves to a fresh generation of it.
   */
  namespace?: string;
  /** Accepts or refuses the AAD token given to `/oauth2/exchange`; default: any non-empty token (as the ARM front). */
  acceptAadToken?: (token: string) => boolean;
  /** Token lifetimes; ACR's (3 h refresh, 75 min access) by default. */
  tokenLifetimes?: Partial<AcrTokenLifetimes>;
  /** Told about every push and delete (the ACR provider's webhooks). */
  events?: RegistryEventSink;
}

/** The ACR data-plane provider. */
export interface AcrDataPlaneProvider extends SandboxProvider, ImagePushSink {
  /** Which registry answers: the real docker-registry or the in-memory stand-in. */
  readonly backendKind: "docker-registry" | "memory";
  /**
   * `ImagePushSink`: makes `repository:tag` serve the pushed image. With `manifest`, its blobs come from
   * the descriptors' embedded `data` (see `buildSandboxImage`) and the stored digest must equal `digest`;
   * with only three arguments a fresh sandbox image is built. Resolves with the registry's digest; failures
   * are also listed in `state().pushFailures`. Reads on the data plane wait for pushes under way.
   */
  onImagePushed(loginServer: string, repository: string, tag: string, digest?: string, manifest?: PushedManifest): Promise<string>;
  /** Pushes a fresh sandbox image as `loginServer/repository:tag`; resolves with its digest. */
  seedImage(loginServer: string, repository: string, tag: string, options?: SeedImageOptions): Promise<string>;
  /** The digest `loginServer/repository:tag` resolves to now, or undefined. */
  resolveTag(loginServer: string, repository: string, tag: string): Promise<string | undefined>;
  /** Whether `loginServer/repository` has a manifest for `reference` (a tag or a `sha256:` digest). */
  hasManifest(loginServer: string, repository: string, reference: string): Promise<boolean>;
  /** Whether this data plane has served (or been pushed to as) `loginServer`. */
  serves(loginServer: string): boolean;
  /** Resolves once every announced push has been stored or has failed. */
  whenIdle(): Promise<void>;
  /** How many pushes were ever announced (monotonic): unchanged across a wait means none started. */
  pushesStarted(): number;
  /** Token exchanges, access tokens issued, 401 challenges and pushes since the last reset. */
  stats(): DataPlaneCounters;
  /** Pushes that failed since the last reset. */
  pushFailures(): PushFailure[];
  /** Releases the backend's pooled connections (does not stop docker-registry, which the caller owns). */
  close(): void;
}

const PULL = "Microsoft.ContainerRegistry/registries/pull/read";
const PUSH = "Microsoft.ContainerRegistry/registries/push/write";
const DELETE = "Microsoft.ContainerRegistry/registries/artifacts/delete";

/** Builds the ACR data-plane provider. */
export function createAcrDataPlaneProvider(context: SandboxContext, options: AcrDataPlaneOptions = {}): AcrDataPlaneProvider {
  const backend: RegistryBackend = options.backend ?? (options.upstreamUrl ? new UpstreamRegistry(options.upstreamUrl) : new MemoryRegistry());
  const plane = new AcrDataPlane(context, {
    backend,
    namespace: options.namespace ?? `sandbox-${randomBytes(4).toString("hex")}`,
    acceptAadToken: options.acceptAadToken ?? ((token) => token.length > 0),
    tokenLifetimes: { ...ACR_TOKEN_LIFETIMES, ...options.tokenLifetimes },
    ...(options.events ? { events: options.events } : {}),
  });
  const handler: SandboxRoute["handler"] = (request) => plane.handle(request);
  const at = (path: string): string => `${REGISTRY_PATH_PREFIX}/{loginServer}${path}`;
  const route = (method: SandboxRoute["method"], path: string, operation: string, kind: SandboxRoute["kind"]): SandboxRoute => ({
    method,
    template: at(path),
    operation,
    plane: "data",
    kind,
    handler,
  });
  // Token endpoints need no RBAC of their own; they are logged under pull, which every caller holds.
  const routes: SandboxRoute[] = [
    route("POST", "/oauth2/exchange", PULL, "action"),
    route("POST", "/oauth2/token", PULL, "action"),
    route("GET", "/oauth2/token", PULL, "action"),
    route("GET", "/v2", PULL, "read"),
    route("GET", "/v2/{*path}", PULL, "read"),
    route("HEAD", "/v2/{*path}", PULL, "read"),
    route("PUT", "/v2/{*path}", PUSH, "write"),
    route("POST", "/v2/{*path}", PUSH, "write"),
    route("PATCH", "/v2/{*path}", PUSH, "write"),
    route("DELETE", "/v2/{*path}", DELETE, "write"),
    route("GET", "/acr/v1/{*path}", PULL, "read"),
  ];

  return {
    name: "acrDataPlane",
    backendKind: backend.kind,
    routes,
    controlRoutes: dataPlaneControlRoutes(plane),
    reset: () => plane.reset(),
    snapshot: () => plane.snapshot(),
    restore: (snapshot) => plane.restore(snapshot as DataPlaneSnapshot),
    state: () => plane.state(),
    onImagePushed: (loginServer, repository, tag, digest, manifest) => plane.pushImage(loginServer, repository, tag, digest, manifest),
    seedImage: (loginServer, repository, tag, seed) => plane.pushImage(loginServer, repository, tag, undefined, undefined, seed),
    resolveTag: (loginServer, repository, tag) => plane.resolveTag(loginServer, repository, tag),
    hasManifest: (loginServer, repository, reference) => plane.hasManifest(loginServer, repository, reference),
    serves: (loginServer) => plane.serves(loginServer),
    whenIdle: () => plane.whenIdle(),
    pushesStarted: () => plane.pushesStarted(),
    stats: () => plane.stats(),
    pushFailures: () => plane.pushFailures(),
    close: () => backend.close?.(),
  };
}
