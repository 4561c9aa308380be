/**
 * The settings that point aca-rollout at a running sandbox instead of Azure. `npm start`, the tests
 * and the bench all wire the product this way, so a setting the sandbox needs is added in one place.
 */
import { CONTROL_PREFIX } from "./kernel/front.js";
import { registryEndpointsSetting } from "./providers/acrDataPlane/index.js";

/**
 * Product settings (environment variables) for a sandbox at `origin`, whose CA certificate is in
 * `caFile`, serving the ACR data plane for `loginServers`.
 */
export function productSettingsFor(origin: string, caFile: string, loginServers: readonly string[]): Record<string, string> {
  return {
    ACA_ROLLOUT_MODE: "sandbox",
    ACA_ROLLOUT_ARM_ENDPOINT: origin,
    ACA_ROLLOUT_ARM_CA_FILE: caFile,
    ACA_ROLLOUT_REGISTRY_ENDPOINTS: registryEndpointsSetting(origin, loginServers),
    // Revision host names are not real in the sandbox: smoke requests go through its ingress route.
    ACA_ROLLOUT_INGRESS_PROXY: `${origin}${CONTROL_PREFIX}/ingress`,
  };
}
