/**
 * The real `@azure/arm-appcontainers` 4.0.0 client pointed at a sandbox (origin as `endpoint`, CA via
 * `tlsOptions`, a fixed bearer token), and a driver that advances the virtual clock while an SDK
 * long-running operation polls in real time.
 */
import { ContainerAppsAPIClient } from "@azure/arm-appcontainers";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { VirtualClock } from "../../../src/common/clock.js";

/** A credential that always returns the same token (the sandbox checks presence, as ARM does). */
export const fixedToken: TokenCredential = {
  async getToken(): Promise<AccessToken> {
    return { token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

/** A Container Apps management client for the sandbox, with fast retries. */
export function appsClient(sandbox: { origin: string; caPem: string }, subscriptionId: string): ContainerAppsAPIClient {
  return new ContainerAppsAPIClient(fixedToken, subscriptionId, {
    endpoint: sandbox.origin,
    tlsOptions: { ca: sandbox.caPem },
    retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  });
}

/**
 * Awaits `work` while moving the virtual clock forward `stepMs` at a time, letting the SDK's real
 * HTTP polling see the simulated operation progress. Throws if it has not settled after `maxSteps`.
 */
export async function whileAdvancing<T>(clock: VirtualClock, work: PromiseLike<T>, stepMs = 250, maxSteps = 2_000): Promise<T> {
  let settled = false;
  const tracked = Promise.resolve(work).finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  for (let step = 0; !settled; step++) {
    if (step >= maxSteps) throw new Error(`operation still pending after ${maxSteps} clock steps`);
    await clock.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return tracked;
}
