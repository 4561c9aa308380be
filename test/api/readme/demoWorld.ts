/**
 * `npm start`'s demo, on a virtual clock: the sandbox seeded by the same `seedDemoResources` and the
 * local runtime with every product function and the same `demoTargetsDocument`, so the README's
 * examples run against exactly the targets a user gets from `npm start`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resetSettingsCache } from "../../../src/config/settings.js";
import { resetTargetsCache } from "../../../src/config/targets.js";
import { VirtualClock } from "../../../src/common/clock.js";
import {
  DEMO_NOTIFICATION_SETTINGS,
  DEMO_REGISTRY,
  DEMO_RESOURCE_GROUP,
  DEMO_SUBSCRIPTION_ID,
  demoTargetsDocument,
  demoWebhookSecret,
  seedDemoResources,
  wireDemoNotifications,
  wireDemoWebhook,
} from "../../../src/local/demo.js";
import { startLocalRuntime, type LocalRuntime } from "../../../src/local/host.js";
import { productSettingsFor } from "../../../src/sandbox/productSettings.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { E2E_DURATIONS } from "../../e2e/world.js";
import { productFunctionModules } from "../contract/contractWorld.js";
import { createApiClient, fetchOpenApiDocument, type ApiClient } from "../contract/validatingClient.js";
import { settleWork } from "../../support/settleWork.js";

/** A running demo. */
export interface DemoWorld {
  clock: VirtualClock;
  sandbox: Sandbox;
  runtime: LocalRuntime;
  client: ApiClient;
  /** Lets pushes, webhook deliveries and the engine's work finish without moving time. */
  settle(): Promise<void>;
  /** Advances virtual time until the deploy `id` has ended; returns its runtime status. */
  runToEnd(id: string): Promise<string>;
  stop(): Promise<void>;
}

const TERMINAL = new Set(["Completed", "Failed", "Terminated", "Canceled"]);

/** Starts the demo as `npm start` sets it up, on a virtual clock. */
export async function startDemoWorld(): Promise<DemoWorld> {
  const dir = mkdtempSync(join(tmpdir(), "aca-demo-"));
  const clock = new VirtualClock("2026-11-28T09:00:00.000Z");
  const sandbox = await startSandbox({
    clock,
    durations: E2E_DURATIONS,
    registries: [{ subscriptionId: DEMO_SUBSCRIPTION_ID, resourceGroup: DEMO_RESOURCE_GROUP, name: DEMO_REGISTRY.name }],
    notificationReceiver: true,
  });
  await seedDemoResources(sandbox);
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, sandbox.caPem);
  Object.assign(process.env, { ...productSettingsFor(sandbox.origin, caFile, [DEMO_REGISTRY.loginServer]), ACA_ROLLOUT_ARM_RETRY_DELAY_MS: "20" });
  process.env.ACA_ROLLOUT_TARGETS = JSON.stringify(demoTargetsDocument());
  // As npm start does: the demo channels post to the sandbox's capture receiver.
  wireDemoNotifications(process.env, sandbox.notifications!);
  // As npm start does: the ACR webhook's secret, then (once the runtime listens) the registry's webhook to it.
  demoWebhookSecret(process.env);
  resetSettingsCache();
  resetTargetsCache();
  const runtime = await startLocalRuntime({ functionModules: productFunctionModules(), clock, dataDir: join(dir, "data"), log: () => {} });
  const client = createApiClient({ baseUrl: runtime.url, functionKey: runtime.functionKey, document: await fetchOpenApiDocument(runtime.url) });
  wireDemoWebhook(sandbox, runtime.url, process.env);
  // A push reaches the runtime through the sandbox's webhook, over HTTP: part of the work to let finish.
  const settle = (): Promise<void> => settleWork(sandbox, runtime);
  return {
    clock,
    sandbox,
    runtime,
    client,
    settle,
    async runToEnd(id) {
      for (;;) {
        await settle();
        const status = await runtime.engine.getStatus(id);
        if (!status) throw new Error(`no instance ${id}`);
        if (TERMINAL.has(status.runtimeStatus)) return status.runtimeStatus;
        const next = clock.nextTimerAt();
        if (next === undefined) throw new Error(`${id} is ${status.runtimeStatus} with nothing scheduled`);
        await clock.advanceTo(next, settle);
      }
    },
    async stop() {
      await runtime.stop();
      await sandbox.stop();
      delete process.env.ACA_ROLLOUT_TARGETS;
      delete process.env.ACA_ROLLOUT_WEBHOOK_SECRET;
      for (const setting of Object.values(DEMO_NOTIFICATION_SETTINGS)) delete process.env[setting];
      resetTargetsCache();
      resetSettingsCache();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
