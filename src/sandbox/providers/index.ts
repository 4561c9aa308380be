/**
 * The providers the sandbox runs, created over one shared context. This is the one place a new
 * provider is registered: create it here, add it to `list`, and expose it on `SandboxProviders`.
 */
import type { SandboxContext, SandboxProvider } from "../kernel/types.js";
import { createContainerAppsProvider, type ContainerAppsProvider } from "./containerApps/index.js";
import { createContainerRegistryProvider, type ContainerRegistryProvider, type ContainerRegistryProviderOptions } from "./containerRegistry/index.js";

/** Per-provider settings. */
export interface SandboxProvidersOptions {
  acr?: ContainerRegistryProviderOptions;
  // ACR DATA PLANE: add `dataPlane?: <options of createAcrDataPlaneProvider>` once
  // src/sandbox/providers/acrDataPlane/index.ts exists.
}

/** Every provider, individually (for scenario APIs) and as the list the front serves. */
export interface SandboxProviders {
  /** ACR Tasks: registries, runs, build-source uploads, run logs. */
  acr: ContainerRegistryProvider;
  /** Container Apps and revisions. */
  apps: ContainerAppsProvider;
  // ACR DATA PLANE: `dataPlane: ReturnType<typeof createAcrDataPlaneProvider>` goes here.
  list: SandboxProvider[];
}

/** Creates every provider over `context`. */
export function createSandboxProviders(context: SandboxContext, options: SandboxProvidersOptions = {}): SandboxProviders {
  // ACR DATA PLANE: create it first and pass it to the ACR provider as an image-push sink, e.g.
  //   const dataPlane = createAcrDataPlaneProvider(context, options.dataPlane);
  //   imagePushSinks: [dataPlane, ...(options.acr?.imagePushSinks ?? [])]
  const acr = createContainerRegistryProvider(context, options.acr);
  const apps = createContainerAppsProvider(context);
  return { acr, apps, list: [acr, apps] };
}
