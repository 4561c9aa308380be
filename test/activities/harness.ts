/**
 * A sandbox (virtual clock, in-memory data plane) plus the activity services the product would build
 * against it: settings from `loadSettings` (sandbox endpoint, CA file, registry endpoints, ingress
 * proxy) and `AzureClients` with fast retries, so the real SDKs run over real HTTPS and tests stay fast.
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { SeedAppOptions } from "../../src/sandbox/providers/containerApps/index.js";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AzureClients } from "../../src/azure/clients.js";
import { loadSettings } from "../../src/config/settings.js";
import type { ActivityServices } from "../../src/activities/services.js";
import type { DeploymentTarget } from "../../src/domain/deployment.js";
import { VirtualClock } from "../../src/common/clock.js";
import type { SandboxDurations } from "../../src/sandbox/kernel/types.js";
import { productSettingsFor } from "../../src/sandbox/productSettings.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";

export const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000a1";
export const RESOURCE_GROUP = "rg-activities";
export const REGISTRY_NAME = "rolloutreg";
export const LOGIN_SERVER = `${REGISTRY_NAME}.azurecr.io`;
export const APP = "web";
export const TARGET: DeploymentTarget = { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: APP };
export const APP_REF = { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: APP };

/** `<login server>/web@sha256:<n repeated>`: a digest-pinned image for seeding. */
export function imageByDigest(n: string, repository = "web"): string {
  return `${LOGIN_SERVER}/${repository}@sha256:${n.repeat(64).slice(0, 64)}`;
}

/**
 * Pushes a distinct image for `n` to the test registry and returns it by digest: what a PATCH must
 * name, since the sandbox, as Azure, fails a revision whose image the registry does not have.
 */
export async function pushedImage(h: { sandbox: Sandbox }, n: string, repository = "web"): Promise<string> {
  const digest = await h.sandbox.dataPlane.seedImage(LOGIN_SERVER, repository, `img-${n}`, { nonce: n });
  return `${LOGIN_SERVER}/${repository}@${digest}`;
}

/** A running sandbox and services pointed at it. */
export interface ActivityHarness {
  sandbox: Sandbox;
  clock: VirtualClock;
  services: ActivityServices;
  stop(): Promise<void>;
}

/** Starts the sandbox with `durations` (lroPoll defaults to 0, so LROs end when their work does). */
export async function startActivityHarness(durations: Partial<SandboxDurations> = {}): Promise<ActivityHarness> {
  const clock = new VirtualClock("2026-03-01T00:00:00.000Z");
  const sandbox = await startSandbox({
    clock,
    durations: { lroPoll: 0, runQueued: 1_000, runRunning: 10_000, revisionProvisioning: 5_000, revisionActivating: 3_000, revisionHealthy: 4_000, ...durations },
    registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY_NAME }],
  });
  const dir = await mkdtemp(join(tmpdir(), "aca-rollout-activities-"));
  const caFile = join(dir, "ca.pem");
  await writeFile(caFile, sandbox.caPem);
  const settings = loadSettings(productSettingsFor(sandbox.origin, caFile, [LOGIN_SERVER]));
  const azure = new AzureClients(settings, { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 });
  return {
    sandbox,
    clock,
    services: { azure, settings, lroPollIntervalMs: 5 },
    async stop() {
      await sandbox.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One harness per test file, started before the first test, stopped after the last, with the
 * sandbox reset before each test. The returned object is filled in once the harness is up.
 */
export function useActivityHarness(durations: Partial<SandboxDurations> = {}): ActivityHarness {
  const harness = {} as ActivityHarness;
  beforeAll(async () => {
    Object.assign(harness, await startActivityHarness(durations));
  });
  afterAll(async () => {
    await harness.stop();
  });
  beforeEach(() => {
    harness.sandbox.reset();
  });
  return harness;
}

/** Seeds the standard app: container `web` on digest "a", revision `web--v1`, pulling from the test registry. */
export function seedStandardApp(h: ActivityHarness, overrides: Partial<SeedAppOptions> = {}): void {
  h.sandbox.apps.seedApp({
    ...APP_REF,
    revisionSuffix: "v1",
    containers: [{ name: APP, image: imageByDigest("a") }],
    registries: [{ server: LOGIN_SERVER, identity: "system" }],
    ...overrides,
  });
}
