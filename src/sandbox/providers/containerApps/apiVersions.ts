/**
 * The api-versions each resource type of the sandbox accepts, as ARM checks them before a request
 * reaches the provider. Each list holds exactly the versions of the specs the sandbox plays and the
 * versions real clients send, so an SDK upgrade that moves to a version the sandbox has never seen
 * fails in tests instead of passing unchecked.
 */

/**
 * Microsoft.App `containerApps` (and its revisions and operation statuses): 2026-07-01, what
 * `@azure/arm-appcontainers` 4.0.0 sends; 2026-01-01, the spec whose examples the shape tests use
 * (`test/fixtures/azure-rest-examples/app/2026-01-01`); 2022-10-01, what Debian's python3-azure
 * (`azure-mgmt-appcontainers`) sends.
 */
export const CONTAINER_APPS_API_VERSIONS: readonly string[] = ["2022-10-01", "2026-01-01", "2026-07-01"];
