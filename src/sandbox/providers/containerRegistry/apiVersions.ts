/**
 * The api-versions each resource type of the sandbox accepts, as ARM checks them before a request
 * reaches the provider. Each list holds exactly the versions of the specs the sandbox plays and the
 * versions real clients send, so an SDK upgrade that moves to a version the sandbox has never seen
 * fails in tests instead of passing unchecked.
 */

/**
 * Microsoft.ContainerRegistry `registries` (GET, scheduleRun, listBuildSourceUploadUrl): 2025-11-01,
 * what `@azure/arm-containerregistry` 11.0.0 sends for registries (and the webhooks spec);
 * 2019-06-01-preview, the Tasks spec it sends scheduleRun and listBuildSourceUploadUrl with;
 * 2021-09-01 and 2019-04-01, what Debian's python3-azure (`azure-mgmt-containerregistry`) sends for
 * registries and for runs.
 */
export const REGISTRY_API_VERSIONS: readonly string[] = ["2019-04-01", "2019-06-01-preview", "2021-09-01", "2025-11-01"];

/** Microsoft.ContainerRegistry `registries/runs`: 2019-06-01-preview (the SDK and the spec), 2019-04-01 (Debian's Python SDK). */
export const RUN_API_VERSIONS: readonly string[] = ["2019-04-01", "2019-06-01-preview"];
