/**
 * The deploy world the bench measures: the Azure sandbox (with Debian's docker-registry behind the ACR
 * data plane when installed, else the sandbox's in-memory registry) and the local runtime running the
 * compiled product modules, both on one virtual clock. Wiring copied from test/e2e/world.ts (bench
 * code does not import test files).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VirtualClock } from "../src/common/clock.js";
import type { InstanceStatus } from "../src/local/engine/api.js";
import { startLocalRuntime, type LocalRuntime } from "../src/local/host.js";
import { isDockerRegistryInstalled, startDockerRegistry, type DockerRegistryService } from "../src/local/services/dockerRegistry.js";
import { productSettingsFor } from "../src/sandbox/productSettings.js";
import { startSandbox, type Sandbox } from "../src/sandbox/server.js";
import type { SandboxDurations } from "../src/sandbox/kernel/types.js";

export const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
export const RESOURCE_GROUP = "rg-bench";
export const REGISTRY_NAME = "benchacr";
export const LOGIN_SERVER = `${REGISTRY_NAME}.azurecr.io`;
export const REPOSITORY = "team/web";
/** The ACR webhook secret the runtime's settings carry, so a bench scenario can point a sandbox webhook at it. */
export const WEBHOOK_SECRET = "bench-webhook-secret-000000000001";

/** The e2e tests' durations on the virtual clock (ms): a realistic but quick deploy. */
export const BENCH_DURATIONS: Readonly<SandboxDurations> = Object.freeze({
  runQueued: 5_000,
  runRunning: 60_000,
  buildSecond: 1_000,
  revisionProvisioning: 20_000,
  revisionActivating: 10_000,
  revisionHealthy: 10_000,
  // Below 1 s so the SDK's LRO poller never sleeps in real time.
  lroPoll: 500,
});

const TERMINAL = new Set(["Completed", "Failed", "Terminated", "Canceled"]);

/** A running bench world. */
export interface BenchWorld {
  clock: VirtualClock;
  sandbox: Sandbox;
  runtime: LocalRuntime;
  /** "docker-registry" or "in-memory". */
  registryBackend: string;
  /** Seeds a Single-mode app running `image` with one container `web`. */
  seedApp(name: string, image: string): void;
  /** Pushes an image and returns its digest. */
  pushImage(tag: string, nonce: string): Promise<string>;
  /** Starts a deploy with `request` as input; returns its instance id. */
  start(request: { deploymentId: string; [field: string]: unknown }): Promise<string>;
  /** Waits until no registry push, webhook delivery or orchestration work is in flight. */
  settle(): Promise<void>;
  /** Advances virtual time by `ms`, settling at every timer on the way. */
  advance(ms: number): Promise<void>;
  /** Advances virtual time timer by timer until the instance finishes; returns its final status. */
  runToEnd(instanceId: string, maxVirtualMs?: number): Promise<InstanceStatus>;
  /** Stops everything the world started and removes its temp dir; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the sandbox, the registry and the local runtime with `functionModules` (absolute paths). */
export async function startBenchWorld(functionModules: readonly string[]): Promise<BenchWorld> {
  const dir = mkdtempSync(join(tmpdir(), "aca-bench-"));
  const clock = new VirtualClock("2026-11-28T09:00:00.000Z");
  const cleanups: Array<() => Promise<void>> = [async () => rmSync(dir, { recursive: true, force: true })];
  const stopAll = async (): Promise<void> => {
    // Last started, first stopped; every step runs even if one fails.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => process.stderr.write(`cleanup: ${String(error)}\n`));
  };
  try {
    let registry: DockerRegistryService | undefined;
    if (await isDockerRegistryInstalled()) {
      registry = await startDockerRegistry({ dataDir: join(dir, "registry") });
      const started = registry;
      cleanups.push(() => started.stop());
    }
    const sandbox = await startSandbox({
      clock,
      durations: BENCH_DURATIONS,
      registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY_NAME }],
      ...(registry ? { dataPlane: { upstreamUrl: registry.url } } : {}),
    });
    cleanups.push(() => sandbox.stop());
    const caFile = join(dir, "ca.pem");
    writeFileSync(caFile, sandbox.caPem);
    Object.assign(process.env, {
      ...productSettingsFor(sandbox.origin, caFile, [LOGIN_SERVER]),
      ACA_ROLLOUT_ARM_RETRY_DELAY_MS: "20",
      ACA_ROLLOUT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    const runtime = await startLocalRuntime({ functionModules, clock, port: 0, dataDir: join(dir, "data"), log: () => {} });
    cleanups.push(() => runtime.stop());

    // Webhooks the sandbox sends (a push) reach the runtime over HTTP: they are part of the in-flight work.
    const settle = async (): Promise<void> => {
      await sandbox.dataPlane.whenIdle();
      await sandbox.acr.webhookDeliveriesIdle();
      await runtime.engine.idle();
    };
    return {
      clock,
      sandbox,
      runtime,
      registryBackend: registry ? "docker-registry" : "in-memory",
      seedApp(name, image) {
        sandbox.apps.seedApp({
          subscriptionId: SUBSCRIPTION,
          resourceGroup: RESOURCE_GROUP,
          name,
          containers: [{ name: "web", image }],
          registries: [{ server: LOGIN_SERVER, identity: "system" }],
          template: { scale: { minReplicas: 1 } },
        });
      },
      pushImage: (tag, nonce) => sandbox.dataPlane.seedImage(LOGIN_SERVER, REPOSITORY, tag, { nonce }),
      settle,
      async advance(ms) {
        await settle();
        await clock.advance(ms, settle);
        await settle();
      },
      start: (request) => runtime.engine.startNew("deploy", { instanceId: request.deploymentId, input: request }),
      async runToEnd(instanceId, maxVirtualMs = 4 * 60 * 60 * 1000) {
        const limit = clock.now() + maxVirtualMs;
        for (;;) {
          await settle();
          const status = await runtime.engine.getStatus(instanceId);
          if (!status) throw new Error(`no instance ${instanceId}`);
          if (TERMINAL.has(status.runtimeStatus)) return status;
          const next = clock.nextTimerAt();
          if (next === undefined) throw new Error(`instance ${instanceId} is ${status.runtimeStatus} with nothing scheduled`);
          if (next > limit) throw new Error(`instance ${instanceId} did not finish within ${maxVirtualMs} virtual ms`);
          await clock.advanceTo(next, settle);
        }
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
