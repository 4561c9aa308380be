/**
 * The world the contract tests run against: the Azure sandbox, the registry and the local runtime on
 * one virtual clock (test/e2e/world.ts), loading every product function module, with a valid targets
 * document in ACA_ROLLOUT_TARGETS set before start; plus a validating client built from the document
 * the runtime serves.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { resetSettingsCache } from "../../../src/config/settings.js";
import { resetTargetsCache } from "../../../src/config/targets.js";
import { LOGIN_SERVER, REGISTRY_NAME, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, startDeployWorld, type DeployWorld } from "../../e2e/world.js";
import { createApiClient, fetchOpenApiDocument, type ApiClient } from "./validatingClient.js";

const FUNCTIONS_DIR = resolve(import.meta.dirname, "../../../src/functions");

/** Every product function module (`src/functions/*.ts`), so a new endpoint file is loaded without editing the tests. */
export function productFunctionModules(): string[] {
  return readdirSync(FUNCTIONS_DIR)
    .filter((file) => file.endsWith(".ts"))
    .sort()
    .map((file) => join(FUNCTIONS_DIR, file));
}

/** The app the `web` target deploys to. */
export const WEB_APP = "web-app";

/**
 * Two targets in the world's resource group: `web` (deploy by tag or digest; may override the verify
 * timeout) and `builder` (may give a whole build, so a request can name a registry, which the allow
 * list limits to the world's resource group).
 */
export const CONTRACT_TARGETS = {
  allow: { subscriptions: [SUBSCRIPTION], resourceGroups: [RESOURCE_GROUP] },
  targets: [
    {
      name: "web",
      containerApp: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: WEB_APP },
      image: { loginServer: LOGIN_SERVER, repository: REPOSITORY },
      policy: { verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 },
      allowOverrides: ["policy.verifyTimeoutSeconds"],
    },
    {
      name: "builder",
      containerApp: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: "builder-app" },
      image: { loginServer: LOGIN_SERVER, repository: REPOSITORY },
      build: { registry: { resourceGroup: RESOURCE_GROUP, name: REGISTRY_NAME }, source: { kind: "git", url: "https://github.com/contoso/web.git", ref: "main" } },
      allowOverrides: ["build"],
    },
  ],
};

/** A running contract world. */
export interface ContractWorld {
  world: DeployWorld;
  client: ApiClient;
  /** Replaces the targets document (raw text allowed, to make it invalid) and drops the cached one. */
  setTargets(document: unknown): void;
  stop(): Promise<void>;
}

/** Starts the world with {@link CONTRACT_TARGETS}. */
export async function startContractWorld(): Promise<ContractWorld> {
  const setTargets = (document: unknown): void => {
    process.env.ACA_ROLLOUT_TARGETS = typeof document === "string" ? document : JSON.stringify(document);
    resetTargetsCache();
  };
  setTargets(CONTRACT_TARGETS);
  resetSettingsCache();
  const world = await startDeployWorld({ functionModules: productFunctionModules() });
  // The world sets the sandbox's settings just before starting the runtime; read them afresh.
  resetSettingsCache();
  const document = await fetchOpenApiDocument(world.runtime.url);
  const client = createApiClient({ baseUrl: world.runtime.url, functionKey: world.runtime.functionKey, document });
  return {
    world,
    client,
    setTargets,
    async stop() {
      await world.stop();
      delete process.env.ACA_ROLLOUT_TARGETS;
      resetTargetsCache();
      resetSettingsCache();
    },
  };
}
