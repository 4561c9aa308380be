/**
 * The CLI end to end: the local runtime with every product function, the sandbox with Azurite (build
 * sources uploaded for real) and a target that builds from an uploaded context. The CLI runs in this
 * process through `runCli` with an io whose waits advance the virtual clock (no sleeps) and whose
 * Ctrl-C a test can press.
 */
import { resetSettingsCache } from "../../src/config/settings.js";
import { resetTargetsCache } from "../../src/config/targets.js";
import type { CliIo } from "../../src/cli/core/io.js";
import { runCli } from "../../src/cli/program.js";
import { productFunctionModules } from "../api/contract/contractWorld.js";
import { LOGIN_SERVER, REGISTRY_NAME, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, startDeployWorld, type DeployWorld } from "../e2e/world.js";

const realFetch = globalThis.fetch;

/** The app the `site` target deploys to. */
export const SITE_APP = "site-app";

/** `site` builds from each request's uploaded context; `plain` has no build. */
export const CLI_TARGETS = {
  allow: { subscriptions: [SUBSCRIPTION], resourceGroups: [RESOURCE_GROUP] },
  targets: [
    {
      name: "site",
      containerApp: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: SITE_APP },
      image: { loginServer: LOGIN_SERVER, repository: REPOSITORY },
      build: { registry: { resourceGroup: RESOURCE_GROUP, name: REGISTRY_NAME } },
      policy: { verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 },
      allowOverrides: ["build.source", "build.dockerfile"],
    },
    {
      name: "plain",
      containerApp: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: SITE_APP },
      image: { loginServer: LOGIN_SERVER, repository: REPOSITORY },
    },
  ],
};

/** One CLI run's outcome. */
export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A running CLI world. */
export interface CliWorld {
  world: DeployWorld;
  /** Runs the CLI in `cwd` with the orchestrator's URL and key in its environment; `interruptAfterPolls` presses Ctrl-C at that wait. */
  run(argv: readonly string[], options?: { cwd?: string; env?: Record<string, string | undefined>; interruptAfterPolls?: number; answer?: boolean }): Promise<CliRun>;
  stop(): Promise<void>;
}

/** Starts the world. */
export async function startCliWorld(): Promise<CliWorld> {
  process.env.ACA_ROLLOUT_TARGETS = JSON.stringify(CLI_TARGETS);
  resetTargetsCache();
  resetSettingsCache();
  const world = await startDeployWorld({ functionModules: productFunctionModules(), azurite: true });
  resetSettingsCache();
  await world.seedApp(SITE_APP);
  const { clock } = world;
  // The CLI reads a deploy's status right after starting it, before its first wait: the runtime may
  // not have run the deploy's first episode yet (its orchestrator is imported on first invocation,
  // src/functions/registration/lazy.ts). The plain-output snapshot pins what each read finds, so every
  // status read first lets the runtime finish what it is doing at this virtual moment, as waits do.
  const settlingFetch: typeof fetch = async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if ((init?.method ?? "GET") === "GET" && url.startsWith(`${world.runtime.url}/api/deployments/`)) await world.settle();
    return realFetch(input, init);
  };

  return {
    world,
    async run(argv, options = {}) {
      const out: string[] = [];
      const err: string[] = [];
      let interrupt: (() => void) | undefined;
      let polls = 0;
      const io: CliIo = {
        stdout: { write: (text) => void out.push(text), isTTY: false },
        stderr: { write: (text) => void err.push(text), isTTY: false },
        env: { ACA_ROLLOUT_URL: world.runtime.url, ACA_ROLLOUT_KEY: world.runtime.functionKey, ...options.env },
        cwd: options.cwd ?? process.cwd(),
        now: () => clock.now(),
        async sleep(ms) {
          polls++;
          if (options.interruptAfterPolls === polls) interrupt?.();
          // Let the deploy run to its next timer (or `ms` on), on the virtual clock.
          await world.settle();
          const next = clock.nextTimerAt();
          await clock.advanceTo(next !== undefined && next > clock.now() ? next : clock.now() + ms, world.settle);
        },
        onInterrupt(handler) {
          interrupt = handler;
          return () => (interrupt = undefined);
        },
        confirm: async () => options.answer ?? false,
      };
      globalThis.fetch = settlingFetch;
      let exitCode: number;
      try {
        exitCode = await runCli(argv, io);
      } finally {
        globalThis.fetch = realFetch;
      }
      return { exitCode, stdout: out.join(""), stderr: err.join("") };
    },
    async stop() {
      await world.stop();
      delete process.env.ACA_ROLLOUT_TARGETS;
      resetTargetsCache();
      resetSettingsCache();
    },
  };
}
