/**
 * An end-to-end world for deploy tests: the Azure sandbox (with Debian's docker-registry behind the
 * ACR data plane when installed) and the local runtime running the real product modules, both on one
 * virtual clock. Nothing of the product is mocked; the tests talk to it the way Azure and the
 * Functions host would.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { BuildReport } from "../../src/domain/buildReport.js";
import type { DeploymentRequest } from "../../src/domain/deployment.js";
import { targetKey } from "../../src/entities/names.js";
import type { TargetRecord } from "../../src/entities/targetRecord.js";
import { VirtualClock } from "../../src/common/clock.js";
import type { InstanceStatus } from "../../src/local/engine/api.js";
import { startLocalRuntime, type LocalRuntime } from "../../src/local/host.js";
import type { FunctionLogger } from "../../src/local/http/invokeHttpFunction.js";
import { startAzurite } from "../../src/local/services/azurite.js";
import { isDockerRegistryInstalled, startDockerRegistry } from "../../src/local/services/dockerRegistry.js";
import { productSettingsFor } from "../../src/sandbox/productSettings.js";
import type { SeedAppOptions } from "../../src/sandbox/providers/containerApps/requestSchemas.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import type { SandboxDurations } from "../../src/sandbox/kernel/types.js";
import { settleWork } from "../support/settleWork.js";

export const SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
export const RESOURCE_GROUP = "rg-e2e";
export const REGISTRY_NAME = "e2eacr";
export const LOGIN_SERVER = `${REGISTRY_NAME}.azurecr.io`;
export const REPOSITORY = "team/web";

/** The module that registers the whole deploy workflow with the host. */
export const WORKFLOW_MODULE = resolve(import.meta.dirname, "../../src/functions/deployWorkflow.ts");

/** Durations on the virtual clock (ms) that make a realistic but quick deploy. */
export const E2E_DURATIONS: Partial<SandboxDurations> = {
  runQueued: 5_000,
  runRunning: 60_000,
  revisionProvisioning: 20_000,
  revisionActivating: 10_000,
  revisionHealthy: 10_000,
  // Below 1 s so the SDK's LRO poller never sleeps in real time.
  lroPoll: 500,
};

const TERMINAL = new Set(["Completed", "Failed", "Terminated", "Canceled"]);

/** A running world. */
export interface DeployWorld {
  clock: VirtualClock;
  sandbox: Sandbox;
  runtime: LocalRuntime;
  caFile: string;
  /** Seeds an app running `image` (default a freshly pushed `v1`) and returns its name. */
  seedApp(name: string, options?: Partial<SeedAppOptions> & { imageTag?: string; sidecars?: SeedAppOptions["containers"] }): Promise<{ name: string; image: string; digest: string }>;
  /** Pushes an image to the registry and returns its digest. */
  pushImage(tag: string, nonce?: string): Promise<string>;
  /** A valid deploy request for `app`, to be overridden per test. */
  request(app: string, overrides?: Partial<DeploymentRequest>): DeploymentRequest;
  /** Starts a deploy; returns its id. */
  start(request: DeploymentRequest): Promise<string>;
  /** Advances virtual time timer by timer until the instance finishes; returns its final status. */
  runToEnd(instanceId: string, options?: { maxVirtualMs?: number; until?: (status: InstanceStatus) => boolean }): Promise<InstanceStatus>;
  /** The app as ARM shows it now, reduced to what deploy tests check. */
  app(name: string): AppView;
  /** The app's revisions as ARM shows them now. */
  revisions(name: string): RevisionView[];
  /** Lets in-flight work finish without moving time. */
  settle: () => Promise<void>;
  stop(): Promise<void>;
}

/** How to start a world. */
export interface DeployWorldOptions {
  durations?: Partial<SandboxDurations>;
  /** Product modules the runtime loads (paths); default just {@link WORKFLOW_MODULE}. */
  functionModules?: readonly string[];
  /** Receives the runtime's and the functions' log lines; default: dropped. */
  log?: FunctionLogger;
  /** Keep build sources and logs in a real Azurite (SAS URLs into it), as `npm start` does; default: the sandbox keeps them. */
  azurite?: boolean;
  /** More registries (names) in the world's resource group, e.g. the ones reference payloads name. */
  extraRegistries?: readonly string[];
}

/**
 * One world for a whole test file: started before its tests, stopped after them, handed to `set` once
 * running. With `clearFaultsAfterEach`, the sandbox's injected faults end with the test that set them.
 */
export function useDeployWorld(set: (world: DeployWorld) => void, options: DeployWorldOptions & { clearFaultsAfterEach?: boolean } = {}): void {
  const { clearFaultsAfterEach = false, ...worldOptions } = options;
  let world: DeployWorld | undefined;
  beforeAll(async () => {
    world = await startDeployWorld(worldOptions);
    set(world);
  });
  afterAll(async () => {
    await world?.stop();
  });
  if (clearFaultsAfterEach) {
    afterEach(() => {
      world?.sandbox.faults.clear();
    });
  }
}

/** The ARM reference of app `name` in the world's resource group, as the sandbox's behaviour setters take it. */
export function appRef(name: string): { subscriptionId: string; resourceGroup: string; name: string } {
  return { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name };
}

/** The deploy target entity's record for `app`; throws when the entity does not exist. */
export async function targetRecordOf(world: DeployWorld, app: string): Promise<TargetRecord> {
  const state = await world.runtime.engine.readEntityState({ name: "deployTarget", key: targetKey({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: app }) });
  if (!state.exists) throw new Error(`no deployTarget entity for ${app}`);
  return state.state as TargetRecord;
}

/** Starts the sandbox, the registry and the local runtime with the product's deploy workflow. */
export async function startDeployWorld(options: DeployWorldOptions = {}): Promise<DeployWorld> {
  const dir = mkdtempSync(join(tmpdir(), "aca-e2e-"));
  const clock = new VirtualClock("2026-11-28T09:00:00.000Z");
  const registry = (await isDockerRegistryInstalled()) ? await startDockerRegistry({ dataDir: join(dir, "registry") }) : undefined;
  const azurite = options.azurite ? await startAzurite() : undefined;
  const sandbox = await startSandbox({
    clock,
    durations: { ...E2E_DURATIONS, ...options.durations },
    ...(azurite ? { blobEndpoint: azurite.blobEndpoint, blobAccountName: azurite.accountName, blobAccountKey: azurite.accountKey } : {}),
    registries: [REGISTRY_NAME, ...(options.extraRegistries ?? [])].map((name) => ({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name })),
    // ACR gives a webhook 5 s; on a loaded CI machine the runtime may answer slower, and no e2e test is about that limit.
    webhookTimeoutMs: 60_000,
    ...(registry ? { dataPlane: { upstreamUrl: registry.url } } : {}),
  });
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, sandbox.caPem);
  Object.assign(process.env, {
    ...productSettingsFor(sandbox.origin, caFile, [LOGIN_SERVER, ...(options.extraRegistries ?? []).map((name) => `${name}.azurecr.io`)]),
    // The SDK's own backoff runs in real time; keep it short so fault tests stay fast.
    ACA_ROLLOUT_ARM_RETRY_DELAY_MS: "20",
  });
  const runtime = await startLocalRuntime({ functionModules: options.functionModules ?? [WORKFLOW_MODULE], clock, dataDir: join(dir, "data"), log: options.log ?? (() => {}) });

  // Webhooks the sandbox sends (a push) reach the runtime over HTTP: they are part of "in-flight work".
  const settle = (): Promise<void> => settleWork(sandbox, runtime);

  const pushImage = (tag: string, nonce?: string): Promise<string> =>
    sandbox.dataPlane.seedImage(LOGIN_SERVER, REPOSITORY, tag, { nonce: nonce ?? `${tag}-${randomUUID()}` });

  const world: DeployWorld = {
    clock,
    sandbox,
    runtime,
    caFile,
    pushImage,
    async seedApp(name, seed = {}) {
      const { imageTag = "v1", sidecars = [], ...rest } = seed;
      const digest = await pushImage(imageTag);
      const image = `${LOGIN_SERVER}/${REPOSITORY}@${digest}`;
      sandbox.apps.seedApp({
        subscriptionId: SUBSCRIPTION,
        resourceGroup: RESOURCE_GROUP,
        name,
        containers: [{ name: "web", image }, ...sidecars],
        registries: [{ server: LOGIN_SERVER, identity: "system" }],
        template: { scale: { minReplicas: 1 } },
        ...rest,
      });
      return { name, image, digest };
    },
    request(app, overrides = {}) {
      return {
        deploymentId: `dep-${randomUUID().slice(0, 8)}`,
        requestedAt: new Date(clock.now()).toISOString(),
        target: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: app },
        image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, tag: "v2" },
        policy: { verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 },
        settings: { activityRetry: { maxAttempts: 3, firstIntervalSeconds: 5, backoffCoefficient: 2, maxIntervalSeconds: 30 } },
        ...overrides,
      };
    },
    async start(request) {
      return runtime.engine.startNew("deploy", { instanceId: request.deploymentId, input: request });
    },
    async runToEnd(instanceId, { maxVirtualMs = 4 * 60 * 60 * 1000, until } = {}) {
      const limit = clock.now() + maxVirtualMs;
      for (;;) {
        await settle();
        const status = await runtime.engine.getStatus(instanceId);
        if (!status) throw new Error(`no instance ${instanceId}`);
        if (TERMINAL.has(status.runtimeStatus) || until?.(status)) return status;
        const next = clock.nextTimerAt();
        if (next === undefined) throw new Error(`instance ${instanceId} is ${status.runtimeStatus} with nothing scheduled: ${JSON.stringify(status.customStatus)}`);
        if (next > limit) throw new Error(`instance ${instanceId} did not finish within ${maxVirtualMs} virtual ms: ${JSON.stringify(status.customStatus)}`);
        await clock.advanceTo(next, settle);
      }
    },
    app(name) {
      const resource = sandbox.apps.getApp({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name });
      if (!resource) throw new Error(`no app ${name}`);
      return JSON.parse(JSON.stringify(resource.properties)) as AppView;
    },
    revisions(name) {
      const list = sandbox.apps.listRevisions({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name });
      return list.map((r) => ({ name: r.name, ...(JSON.parse(JSON.stringify(r.properties)) as Omit<RevisionView, "name">) }));
    },
    settle,
    async stop() {
      await runtime.stop();
      await sandbox.stop();
      await registry?.stop();
      await azurite?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The app fields deploy tests read. */
export interface AppView {
  latestRevisionName?: string;
  latestReadyRevisionName?: string;
  configuration: { activeRevisionsMode?: string; ingress?: { traffic?: { revisionName?: string; latestRevision?: boolean; weight: number }[] } };
  template: { containers: { name: string; image: string }[]; initContainers?: { name: string; image: string }[] };
}

/** The revision fields deploy tests read. */
export interface RevisionView {
  name: string;
  active?: boolean;
  trafficWeight?: number;
  healthState?: string;
  template: { containers: { name: string; image: string }[] };
}

/** The custom status / output shape the deploy publishes. */
export interface DeployView {
  phase?: string;
  outcome?: string;
  reason?: string;
  steps: { name: string; status: string; startedAt?: string; finishedAt?: string; detail?: string }[];
  runId?: string;
  digest?: string;
  newRevision?: string;
  previousRevision?: string;
  image?: string;
  logTail?: string;
  supersededBy?: string;
  quarantinedDigest?: string;
  error?: { code: string; message: string; statusCode?: number; correlationId?: string };
  build?: BuildReport;
}

/** The deploy's output, typed. */
export function outputOf(status: InstanceStatus): DeployView {
  return status.output as DeployView;
}

/** Status of one named step. */
export function stepStatus(view: DeployView, name: string): string | undefined {
  return view.steps.find((s) => s.name === name)?.status;
}
