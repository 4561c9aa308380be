/**
 * Settings drift: the settings the product's code reads, the keys of local.settings.example.json and the app
 * settings infra/bicep gives the Function App must be the same set, apart from the exceptions declared below
 * (each with its reason, and each checked to still be needed). Secrets reach the app only as Key Vault references.
 * src/cli is left out: the CLI runs on a developer's machine and reads its settings from their shell.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTargets } from "../../src/config/targets.js";
import { readBicepSettings } from "./bicepSettings.js";
import { settingsReadBy } from "./codeSettings.js";

const ROOT = join(import.meta.dirname, "../..");
const PRODUCT_DIRS = ["functions", "orchestrations", "activities", "azure", "notifiers", "policies", "config", "domain", "entities"]
  .map((dir) => join(ROOT, "src", dir))
  .filter((dir) => existsSync(dir));
const FUNCTION_APP_BICEP = join(ROOT, "infra/bicep/modules/functionApp.bicep");

/** Read by a library the product uses, not by name in its code. */
const SDK_SETTINGS: Record<string, string> = {
  AZURE_CLIENT_ID: "DefaultAzureCredential (@azure/identity) picks the user-assigned identity by it",
};

/** Read by the product, but never set in Azure. */
const NOT_IN_AZURE: Record<string, string> = {
  ACA_ROLLOUT_ARM_ENDPOINT: "defaults to https://management.azure.com in azure mode; only the sandbox sets it",
  ACA_ROLLOUT_ARM_CA_FILE: "the sandbox's CA; never set against Azure",
  ACA_ROLLOUT_REGISTRY_ENDPOINTS: "sandbox data-plane URLs; Azure uses https://<loginServer>",
  ACA_ROLLOUT_INGRESS_PROXY: "sandbox ingress; Azure revisions have real host names",
  ACA_ROLLOUT_TARGETS_FILE: "the alternative to ACA_ROLLOUT_TARGETS; the deployment sets the document inline",
  ACA_ROLLOUT_DATA_DIR: "the local runtime's journal folder; in Azure the Durable backend keeps the state",
};

/** Keys of local.settings.example.json that the Functions host reads (Core Tools), expressed otherwise in Azure. */
const HOST_LOCAL_SETTINGS: Record<string, string> = {
  FUNCTIONS_WORKER_RUNTIME: "Flex Consumption takes it from functionAppConfig.runtime and refuses it as an app setting",
  AzureWebJobsStorage: "a connection string locally; in Azure the identity-based AzureWebJobsStorage__* settings",
};

const SECRET_LOOKING = /(SECRET|PASSWORD|TOKEN|_KEY|WEBHOOK_URL|CONNECTION_STRING)$/;

const product = new Set([...settingsReadBy(PRODUCT_DIRS), ...Object.keys(SDK_SETTINGS)]);
const localRuntime = settingsReadBy([join(ROOT, "src/local")]);
const example = new Set(Object.keys((JSON.parse(readFileSync(join(ROOT, "local.settings.example.json"), "utf8")) as { Values: Record<string, string> }).Values));
const bicep = readBicepSettings(FUNCTION_APP_BICEP);
const bicepText = readFileSync(FUNCTION_APP_BICEP, "utf8");
const keyVaultKeys = [...bicep.keyVaultSettings.keys()];
/** Secrets the targets document names (notification URLs and signing secrets), not read under a fixed name. */
const targetNamed = keyVaultKeys.filter((key) => !product.has(key));

const sorted = (values: Iterable<string>): string[] => [...values].sort();
const minus = (a: Iterable<string>, b: ReadonlySet<string> | readonly string[]): string[] => {
  const exclude = new Set(b);
  return sorted([...a].filter((value) => !exclude.has(value)));
};

describe("settings drift: code, local.settings.example.json and the Bicep app settings agree", () => {
  it("finds the settings the product reads (the config loader's among them)", () => {
    for (const name of ["ACA_ROLLOUT_MODE", "ACA_ROLLOUT_TARGETS", "ACA_ROLLOUT_TASK_HUB", "ACA_ROLLOUT_ARM_MAX_RETRIES"]) expect(product).toContain(name);
  });

  it("local.settings.example.json lists every setting the product reads", () => {
    expect(minus(product, example), "read by the product, missing from local.settings.example.json").toEqual([]);
  });

  it("local.settings.example.json lists nothing that nobody reads", () => {
    const known = new Set([...product, ...localRuntime, ...Object.keys(HOST_LOCAL_SETTINGS), ...targetNamed]);
    expect(minus(example, known), "in local.settings.example.json, read by no code").toEqual([]);
  });

  it("the Bicep sets every product setting but the sandbox and local ones, and no other product setting", () => {
    const inBicep = new Set([...bicep.productSettings.keys(), ...keyVaultKeys.filter((key) => product.has(key))]);
    const expected = minus(product, Object.keys(NOT_IN_AZURE));
    expect(sorted(inBicep), "productSettings + keyVaultSettings in functionApp.bicep vs settings the code reads").toEqual(expected);
  });

  it("each declared exception is still read by the product and is kept out of the Bicep", () => {
    const allBicep = new Set(Object.values(bicep).flatMap((entries) => [...entries.keys()]));
    for (const name of Object.keys(NOT_IN_AZURE)) {
      expect(product, `${name} is declared "not in Azure" but nothing reads it any more`).toContain(name);
      expect(allBicep.has(name), `${name} must not be an app setting in Azure`).toBe(false);
    }
    for (const name of Object.keys(HOST_LOCAL_SETTINGS)) {
      expect(example, name).toContain(name);
      expect(allBicep.has(name), `${name} must not be an app setting in Azure`).toBe(false);
    }
  });

  it("secrets come from Key Vault: every secret-looking product setting is a Key Vault reference, and only those are", () => {
    for (const [key, value] of bicep.productSettings) {
      expect(SECRET_LOOKING.test(key), `${key} looks secret: put it in keyVaultSettings`).toBe(false);
      expect(value, `${key} takes a Key Vault secret's URI: make it a Key Vault reference`).not.toMatch(/secretUris/);
    }
    for (const [key, value] of bicep.keyVaultSettings) {
      expect(key, "a Key Vault setting should be a secret").toMatch(SECRET_LOOKING);
      expect(value, `${key} must come from the Key Vault module's secret URIs`).toMatch(/^secretUris\.[A-Za-z]+$/);
    }
    // The references are what reaches the app, never the raw values, and they resolve with the app's identity.
    expect(bicepText).toContain("'@Microsoft.KeyVault(SecretUri=${s.value})'");
    expect(bicepText).toMatch(/var appSettings = union\(hostSettings, productSettings, keyVaultReferences,/);
    expect(bicepText).toMatch(/keyVaultReferenceIdentity: identityId/);
  });

  it("the secrets the targets name are in local.settings.example.json and valid setting names for notifications", () => {
    expect(minus(targetNamed, example), "Key Vault settings missing from local.settings.example.json").toEqual([]);
    const urls = targetNamed.filter((name) => name.endsWith("_URL"));
    const secrets = targetNamed.filter((name) => !name.endsWith("_URL"));
    const document = {
      targets: [
        {
          name: "drift",
          containerApp: { subscriptionId: "11111111-2222-4333-8444-555555555555", resourceGroup: "rg", containerApp: "app" },
          image: { loginServer: "demo.azurecr.io", repository: "web" },
          notifications: {
            teams: urls.filter((n) => n.includes("TEAMS")).map((webhookUrlSetting) => ({ webhookUrlSetting })),
            slack: urls.filter((n) => n.includes("SLACK")).map((webhookUrlSetting) => ({ webhookUrlSetting })),
            webhook: urls.filter((n) => !n.includes("TEAMS") && !n.includes("SLACK")).map((urlSetting, i) => ({ urlSetting, secretSetting: secrets[i] ?? secrets[0] })),
          },
        },
      ],
    };
    const loaded = loadTargets({ ACA_ROLLOUT_TARGETS: JSON.stringify(document) });
    expect(loaded.ok ? [] : loaded.issues).toEqual([]);
  });

  it("the host reaches storage with the identity, and the runtime is the Node version package.json names", () => {
    const host = bicep.hostSettings;
    expect(host.get("AzureWebJobsStorage__credential")).toBe("'managedidentity'");
    for (const key of ["AzureWebJobsStorage__clientId", "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri"]) expect(host.has(key), key).toBe(true);
    expect(bicepText).toMatch(/runtime: \{\s*name: 'node'\s*version: nodeVersion\s*\}/);
    const engines = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
    const main = readFileSync(join(ROOT, "infra/bicep/main.bicep"), "utf8");
    expect(`>=${/param nodeVersion string = '(\d+)'/.exec(main)?.[1]}`).toBe(engines);
  });

  it("the Durable Task Scheduler settings override the storage provider host.json declares", () => {
    const dts = bicep.durableTaskSchedulerSettings;
    expect(dts.get("DURABLE_TASK_SCHEDULER_CONNECTION_STRING")).toBe("'Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'");
    expect(dts.get("AzureFunctionsJobHost__extensions__durableTask__storageProvider__type")).toBe("'azureManaged'");
    expect(dts.get("AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName")).toBe("'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'");
    const hostJson = JSON.parse(readFileSync(join(ROOT, "host.json"), "utf8")) as { extensions: { durableTask: { hubName: string; storageProvider?: object } } };
    expect(hostJson.extensions.durableTask.storageProvider).toBeDefined();
    expect(hostJson.extensions.durableTask.hubName).toBe("%ACA_ROLLOUT_TASK_HUB%");
  });
});
