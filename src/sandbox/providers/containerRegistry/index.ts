/**
 * The ACR Tasks provider: registries, scheduled runs, build-source uploads and run logs, played for
 * `@azure/arm-containerregistry` 11, plus the scenario API tests use to seed registries, plan run
 * outcomes and read what the product scheduled.
 */
import type { ImagePushSink, RegistryArtifactEvent, RegistryEventSink, SandboxContext, SandboxProvider } from "../../kernel/types.js";
import { acrArmRoutes } from "./armRoutes.js";
import { AzuriteBuildBlobStore, type AzuriteAccount } from "./azuriteBuildBlobStore.js";
import { SandboxBuildBlobStore, type BlobStoreSnapshot, type BuildBlobStore } from "./buildBlobStore.js";
import { acrControlRoutes } from "./control.js";
import { registryBody, registryKey, RegistryStore, type RegistrySeed, type SandboxRegistry } from "./registries.js";
import type { FinalRunStatus } from "./runLog.js";
import { RunStore, type RunPlan, type RunStoreSnapshot } from "./runs.js";
import { scheduledRunView, type ScheduledRunView } from "./scenario.js";
import { webhookArmRoutes } from "./webhookRoutes.js";
import { webhookControlRoutes, webhookView } from "./webhookControl.js";
import { WebhookDispatcher } from "./webhookDelivery.js";
import { WebhookStore, type SandboxWebhook, type WebhookCreate } from "./webhookStore.js";

export type { AzuriteAccount } from "./azuriteBuildBlobStore.js";
export type { RegistrySeed, SandboxRegistry } from "./registries.js";
export type { RunPlan, RunStatus } from "./runs.js";
export type { ScheduledRunView } from "./scenario.js";
export type { FinalRunStatus } from "./runLog.js";
export type { SandboxWebhook, WebhookCreate, WebhookEventRecord } from "./webhookStore.js";

/** How the provider is set up. */
export interface ContainerRegistryProviderOptions {
  /** Keep sources and logs in Azurite (real SAS URLs); without it the sandbox serves them itself. */
  blob?: AzuriteAccount;
  /** Registries present from the start (and again after a reset). */
  registries?: RegistrySeed[];
  /** Create any registry a request names on first use (for `npm start`); default false. */
  autoCreateRegistries?: boolean;
  /** Told about every image a succeeded run pushes (the data plane). */
  imagePushSinks?: ImagePushSink[];
  /** Real milliseconds a webhook delivery waits for its answer; default ACR's 5 s. */
  webhookTimeoutMs?: number;
}

/** The scenario API of the ACR provider (`sandbox.acr`). */
export interface ContainerRegistryScenario {
  /** Creates (or replaces) a registry; its login server is `<lowercase name>.azurecr.io`. */
  seedRegistry(seed: RegistrySeed): SandboxRegistry;
  /** Every registry. */
  registries(): SandboxRegistry[];
  /** The `Registries_Get` body of a registry (for shape checks and seeding other fakes). */
  registryBody(registry: SandboxRegistry): Record<string, unknown>;
  /** Decides how the next scheduled run (on `plan.registry`, if given) ends. */
  planNextRun(plan: RunPlan): void;
  /** Shorthand: the next run ends with `status` and prints `log` in its build section. */
  failNextRun(status?: Exclude<FinalRunStatus, "Succeeded">, log?: string, registry?: string): void;
  /** Scheduled runs, newest first, with decoded task YAML and values (secrets included). */
  scheduledRuns(filter?: { registry?: string }): ScheduledRunView[];
  /** One scheduled run by id (on `registry`, if several registries have that id). */
  scheduledRun(runId: string, registry?: string): ScheduledRunView | undefined;
  /** The source archive uploaded to a `relativePath` from listBuildSourceUploadUrl. */
  readSource(relativePath: string): Promise<Buffer | undefined>;
  /** Subscribes to image pushes of succeeded runs; returns an unsubscribe function. */
  addImagePushSink(sink: ImagePushSink): () => void;
  /** Creates or replaces a webhook on a registry, as `Webhooks_Create` does (without an ARM call in the call log). */
  putWebhook(registry: SandboxRegistry, name: string, params: WebhookCreate): SandboxWebhook;
  /** A registry's webhooks, with the events they sent. */
  webhooks(registry: SandboxRegistry): SandboxWebhook[];
  /** Resolves once every webhook delivery under way has been answered or has failed. */
  webhookDeliveriesIdle(): Promise<void>;
  /** How many webhook deliveries were ever started (monotonic): unchanged across a wait means none started. */
  webhookDeliveriesStarted(): number;
  /** Resolves once the run-log writes the blob store started by itself are done (Azurite's final copies; none for the built-in store). */
  logWritesIdle(): Promise<void>;
}

/** The ACR provider as the sandbox holds it; registry events (from the data plane) fire its webhooks. */
export type ContainerRegistryProvider = SandboxProvider & ContainerRegistryScenario & RegistryEventSink;

/** What a persistent sandbox saves of this provider. */
interface ContainerRegistrySnapshot {
  registries: SandboxRegistry[];
  runs: RunStoreSnapshot;
  blobs: BlobStoreSnapshot | undefined;
  /** Absent in state saved before webhooks existed. */
  webhooks?: SandboxWebhook[];
}

/** Creates the ACR Tasks provider. */
export function createContainerRegistryProvider(context: SandboxContext, options: ContainerRegistryProviderOptions = {}): ContainerRegistryProvider {
  const now = (): number => context.clock.now();
  const sinks: ImagePushSink[] = [...(options.imagePushSinks ?? [])];
  const registries = new RegistryStore(now, options.autoCreateRegistries ?? false);
  const runs = new RunStore(context.clock, context.durations, sinks, () => context.stateChanged?.());
  const blobs: BuildBlobStore = options.blob ? new AzuriteBuildBlobStore(options.blob, context.clock) : new SandboxBuildBlobStore(now);
  const webhooks = new WebhookStore();
  const dispatcher = new WebhookDispatcher({
    registries,
    webhooks,
    clock: context.clock,
    newId: () => context.newId(),
    ...(options.webhookTimeoutMs !== undefined ? { timeoutMs: options.webhookTimeoutMs } : {}),
    changed: () => context.stateChanged?.(),
  });
  const seedInitial = (): void => {
    for (const seed of options.registries ?? []) registries.seed(seed);
  };
  seedInitial();

  const scheduledRuns = (filter: { registry?: string } = {}): ScheduledRunView[] =>
    runs
      .list()
      .filter((run) => filter.registry === undefined || run.registry.name.toLowerCase() === filter.registry.toLowerCase())
      .map((run) => scheduledRunView(runs, run));

  return {
    name: "containerRegistry",
    routes: [...acrArmRoutes({ registries, runs, blobs, now, newId: () => context.newId() }), ...webhookArmRoutes({ registries, webhooks, dispatcher }), ...blobs.routes],
    controlRoutes: [...acrControlRoutes(registries, runs), ...webhookControlRoutes(registries, webhooks)],
    reset(): void {
      runs.reset();
      webhooks.clear();
      registries.clear();
      blobs.reset();
      seedInitial();
    },
    snapshot: (): ContainerRegistrySnapshot => ({ registries: registries.list(), runs: runs.snapshot(), blobs: blobs.snapshot?.(), webhooks: webhooks.all() }),
    restore: (snapshot) => {
      const saved = snapshot as ContainerRegistrySnapshot;
      registries.restore(saved.registries);
      webhooks.restore(saved.webhooks ?? []);
      runs.restore(saved.runs, (key) => registries.byKey(key));
      if (saved.blobs) {
        blobs.restore?.(saved.blobs, (runId) => {
          const run = runs.list().find((candidate) => candidate.runId === runId);
          return run ? runs.logState(run) : { text: "", complete: undefined };
        });
      }
    },
    state: () => ({
      registries: registries.list().map((registry) => ({ name: registry.name, resourceGroup: registry.resourceGroup, subscriptionId: registry.subscriptionId, loginServer: registry.loginServer })),
      runs: runs.list().map((run) => scheduledRunView(runs, run, true)),
      pendingPlans: runs.pendingPlans(),
      blobStore: options.blob ? "azurite" : "sandbox",
      webhooks: webhooks.all().map((webhook) => webhookView(registries, webhook)),
    }),
    seedRegistry: (seed) => registries.seed(seed),
    registries: () => registries.list(),
    resourceGroups: () => registries.list().map((registry) => ({ subscriptionId: registry.subscriptionId, resourceGroup: registry.resourceGroup })),
    registryBody,
    planNextRun: (plan) => runs.plan(plan),
    failNextRun: (status = "Failed", log, registry) => runs.plan({ status, log, registry }),
    scheduledRuns,
    scheduledRun: (runId, registry) => scheduledRuns({ registry }).find((run) => run.runId.toLowerCase() === runId.toLowerCase()),
    readSource: (relativePath) => blobs.readSource(relativePath),
    onRegistryEvent: (event: RegistryArtifactEvent) => dispatcher.onRegistryEvent(event),
    putWebhook: (registry, name, params) => webhooks.put(registryKey(registry), name, params).webhook,
    webhooks: (registry) => webhooks.list(registryKey(registry)),
    webhookDeliveriesIdle: () => dispatcher.whenIdle(),
    webhookDeliveriesStarted: () => dispatcher.started(),
    logWritesIdle: async () => blobs.whenIdle?.(),
    addImagePushSink(sink) {
      sinks.push(sink);
      return () => {
        const index = sinks.indexOf(sink);
        if (index >= 0) sinks.splice(index, 1);
      };
    },
  };
}
