/**
 * The Azure SDKs, loaded on first use rather than at import. Importing them costs 1 to 2 s of a cold
 * start (ARM clients, identity, storage, the ACR data plane), which a webhook or a status read never
 * needs. `require` (each SDK ships a CommonJS build beside its ES module) keeps the client factories
 * synchronous; every SDK then loads from the same CommonJS graph, so the clients, `restorePoller` and
 * the credential share one core-rest-pipeline.
 */
import { createRequire } from "node:module";

const requireSdk = createRequire(import.meta.url);

/** `@azure/arm-appcontainers`, loaded on first call. */
export function armAppContainers(): typeof import("@azure/arm-appcontainers") {
  return requireSdk("@azure/arm-appcontainers") as typeof import("@azure/arm-appcontainers");
}

/** `@azure/arm-containerregistry`, loaded on first call. */
export function armContainerRegistry(): typeof import("@azure/arm-containerregistry") {
  return requireSdk("@azure/arm-containerregistry") as typeof import("@azure/arm-containerregistry");
}

/** `@azure/container-registry` (the ACR data plane), loaded on first call. */
export function containerRegistryDataPlane(): typeof import("@azure/container-registry") {
  return requireSdk("@azure/container-registry") as typeof import("@azure/container-registry");
}

/** `@azure/storage-blob`, loaded on first call. */
export function storageBlob(): typeof import("@azure/storage-blob") {
  return requireSdk("@azure/storage-blob") as typeof import("@azure/storage-blob");
}

/** `@azure/identity`, loaded on first call. */
export function identity(): typeof import("@azure/identity") {
  return requireSdk("@azure/identity") as typeof import("@azure/identity");
}
