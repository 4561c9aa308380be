/**
 * The providers the sandbox runs, created over one shared context. This is the one place a new
 * provider is registered: create it here, add it to `list`, and expose it on `SandboxProviders`.
 */
import type { RegistryEventSink, SandboxContext, SandboxProvider } from "../kernel/types.js";
import { createAcrDataPlaneProvider, type AcrDataPlaneOptions, type AcrDataPlaneProvider } from "./acrDataPlane/index.js";
import { createContainerAppsProvider, type ContainerAppsProvider, type ImageRegistries } from "./containerApps/index.js";
import { createContainerRegistryProvider, type ContainerRegistryProvider, type ContainerRegistryProviderOptions } from "./containerRegistry/index.js";

/** Per-provider settings. */
export interface SandboxProvidersOptions {
  acr?: ContainerRegistryProviderOptions;
  dataPlane?: AcrDataPlaneOptions;
}

/** Every provider, individually (for scenario APIs) and as the list the front serves. */
export interface SandboxProviders {
  /** ACR Tasks: registries, runs, build-source uploads, run logs. */
  acr: ContainerRegistryProvider;
  /** ACR data plane: token exchange and the Distribution API per login server. */
  dataPlane: AcrDataPlaneProvider;
  /** Container Apps and revisions. */
  apps: ContainerAppsProvider;
  list: SandboxProvider[];
}

/**
 * Creates every provider over `context`; images that ACR runs push land in the data plane, and a new
 * revision's images are checked there when the sandbox serves their registry (an ACR registry it
 * knows, or a login server its data plane has served).
 */
export function createSandboxProviders(context: SandboxContext, options: SandboxProvidersOptions = {}): SandboxProviders {
  // Every push or delete the data plane sees (a run's, a client's, a scenario's) fires the registry's webhooks.
  const events: RegistryEventSink = { onRegistryEvent: (event) => acr.onRegistryEvent(event) };
  const dataPlane = createAcrDataPlaneProvider(context, { ...options.dataPlane, events });
  const acr = createContainerRegistryProvider(context, { ...options.acr, imagePushSinks: [dataPlane, ...(options.acr?.imagePushSinks ?? [])] });
  const images: ImageRegistries = {
    serves: (loginServer) => dataPlane.serves(loginServer) || acr.registries().some((registry) => registry.loginServer === loginServer),
    hasManifest: (loginServer, repository, reference) => dataPlane.hasManifest(loginServer, repository, reference),
  };
  const apps = createContainerAppsProvider(context, images);
  return { acr, dataPlane, apps, list: [acr, dataPlane, apps] };
}
