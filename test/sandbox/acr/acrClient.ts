/**
 * The real `@azure/arm-containerregistry` 11 client pointed at a sandbox: its origin as `endpoint`,
 * its CA through `tlsOptions`, and a fixed bearer token (the sandbox checks presence, as ARM does).
 */
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import type { AccessToken, TokenCredential } from "@azure/core-auth";

/** A credential that always returns the same token. */
export const fixedToken: TokenCredential = {
  async getToken(): Promise<AccessToken> {
    return { token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

export const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000aa";
export const RESOURCE_GROUP = "rg-rollout";
export const REGISTRY = "rolloutreg";

/** A management client for the sandbox; `retry` tunes the SDK's retry policy (default: fast retries). */
export function acrClient(
  sandbox: { origin: string; caPem: string },
  retry: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number } = { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  withCa = true,
): ContainerRegistryManagementClient {
  return new ContainerRegistryManagementClient(fixedToken, SUBSCRIPTION, {
    endpoint: sandbox.origin,
    credentialScopes: [`${sandbox.origin}/.default`],
    tlsOptions: withCa ? { ca: sandbox.caPem } : undefined,
    retryOptions: retry,
  });
}
