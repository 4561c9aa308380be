/**
 * `npm start`: runs aca-rollout on this machine without the Functions host.
 *
 * In sandbox mode (the default, `ACA_ROLLOUT_MODE` unset or `sandbox`) it starts Azurite (blob) and
 * Debian's docker-registry when installed, the Azure sandbox with the demo (demo.ts: a registry, three
 * Container Apps and their targets), points the product's settings at them, and only then imports the product's function
 * modules. In azure mode it starts nothing but the runtime. Ctrl-C (SIGINT) or SIGTERM stops
 * everything it started.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RealClock } from "../common/clock.js";
import { consoleLoggers, requestLinesEnabled } from "./consoleLog.js";
import { startLocalRuntime, type LocalRuntime } from "./host.js";
import { formatFunctionList } from "./printFunctions.js";
import { loadOrCreateKeys, type LocalKeys } from "./http/keyStore.js";
import { startAzurite, type AzuriteService } from "./services/azurite.js";
import { isDockerRegistryInstalled, startDockerRegistry, type DockerRegistryService } from "./services/dockerRegistry.js";
import { startSandbox, type Sandbox } from "../sandbox/server.js";
import { productSettingsFor } from "../sandbox/productSettings.js";
import { loadSettings } from "../config/settings.js";
import { unsupportedFeatureWarnings } from "../config/targetWarnings.js";
import { loadTargets, TARGETS_FILE_SETTING, TARGETS_SETTING, type TargetsResult } from "../config/targets.js";
import { ConfigurationError } from "../domain/errors.js";
import { DEMO_APPS, DEMO_IMAGE, DEMO_REGISTRY, DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID, demoTargetsDocument, deployExamples, DEMO_AUTO, demoWebhookSecret, seedDemoResources, wireDemoNotifications, wireDemoWebhook } from "./demo.js";

/** Something started here that must be stopped on the way out. */
interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

/** What the sandbox start-up produced, for the banner. */
interface SandboxSetup {
  sandbox: Sandbox;
  caFile: string;
  registryBackend: "docker-registry" | "memory";
  blobBackend: "azurite" | "sandbox";
  demoImage: string;
}

function say(line = ""): void {
  process.stdout.write(`${line}\n`);
}

function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The product's compiled function modules (every .js file in dist/src/functions). */
export async function productFunctionModules(directory = fileURLToPath(new URL("../functions/", import.meta.url))): Promise<string[]> {
  const entries = await readdir(directory);
  return entries.filter((name) => name.endsWith(".js")).sort().map((name) => join(directory, name));
}

async function startOptionalServices(dataDir: string, stack: Stoppable[]): Promise<{ azurite?: AzuriteService; registry?: DockerRegistryService }> {
  const [azurite, registry] = await Promise.all([
    startAzurite({ location: join(dataDir, "azurite") }).catch((error: unknown) => {
      warn(`Azurite did not start (${error instanceof Error ? error.message : String(error)}); the sandbox keeps build sources and logs itself.`);
      return undefined;
    }),
    isDockerRegistryInstalled().then(async (installed) => {
      if (!installed) {
        warn("docker-registry is not installed (apt-get install -y docker-registry); the sandbox's registry data plane uses its in-memory backend.");
        return undefined;
      }
      return startDockerRegistry({ dataDir: join(dataDir, "registry") }).catch((error: unknown) => {
        warn(`docker-registry did not start (${error instanceof Error ? error.message : String(error)}); using the sandbox's in-memory registry backend.`);
        return undefined;
      });
    }),
  ]);
  if (azurite) stack.push({ name: "Azurite", stop: () => azurite.stop() });
  if (registry) stack.push({ name: "docker-registry", stop: () => registry.stop() });
  return { azurite, registry };
}

/** Starts the sandbox with the demo resources and points the product's settings at it. */
async function setUpSandbox(dataDir: string, env: NodeJS.ProcessEnv, stack: Stoppable[]): Promise<SandboxSetup> {
  const sandboxDir = join(dataDir, "sandbox");
  await mkdir(sandboxDir, { recursive: true });
  const { azurite, registry } = await startOptionalServices(dataDir, stack);
  // The sandbox remembers its resources, scenario settings, call log and port in sandboxDir, as Azure
  // would not forget them when this process dies: a deploy resumed after a crash finds its revision.
  const sandbox = await startSandbox({
    stateDir: sandboxDir,
    certDir: sandboxDir,
    clock: new RealClock(),
    ...(azurite ? { blobEndpoint: azurite.blobEndpoint, blobAccountName: azurite.accountName, blobAccountKey: azurite.accountKey } : {}),
    registries: [{ subscriptionId: DEMO_SUBSCRIPTION_ID, resourceGroup: DEMO_RESOURCE_GROUP, name: DEMO_REGISTRY.name }],
    // A fixed namespace keeps the demo images in docker-registry's storage across restarts.
    dataPlane: registry ? { upstreamUrl: registry.url, namespace: "acarollout" } : {},
    notificationReceiver: true,
  });
  stack.push({ name: "sandbox", stop: () => sandbox.stop() });
  const persistence = sandbox.persistence;
  if (persistence?.warning) warn(`Sandbox: ${persistence.warning}.`);
  if (persistence?.rememberedPortTaken !== undefined) {
    warn(`Sandbox: port ${persistence.rememberedPortTaken} (remembered in ${join(sandboxDir, "port")}) is taken; using ${sandbox.origin} for this run.`);
  }

  const caFile = join(sandboxDir, "ca.pem");
  await writeFile(caFile, sandbox.caPem);
  // Demo resources are created once; a restart keeps what earlier runs (and deploys) made of them.
  const demoImage = await seedDemoResources(sandbox);
  sandbox.saveState();

  // The product reads these when its modules load, so they are set before any import.
  Object.assign(env, productSettingsFor(sandbox.origin, caFile, [DEMO_REGISTRY.loginServer]));
  env.AzureWebJobsStorage = azurite ? azurite.connectionString : "UseDevelopmentStorage=true";
  if (!env[TARGETS_SETTING] && !env[TARGETS_FILE_SETTING]) env[TARGETS_SETTING] = JSON.stringify(demoTargetsDocument());
  if (sandbox.notifications) wireDemoNotifications(env, sandbox.notifications);
  // Before the product's settings load: the ACR webhook checks this secret; the demo webhook sends it.
  demoWebhookSecret(env);
  return { sandbox, caFile, registryBackend: sandbox.dataPlane.backendKind, blobBackend: azurite ? "azurite" : "sandbox", demoImage };
}

function printBanner(runtime: LocalRuntime, keys: LocalKeys, setup: SandboxSetup | undefined, publicUrl: string, targets: TargetsResult): void {
  say("");
  if (setup) {
    const origin = setup.sandbox.origin;
    say(`SANDBOX MODE: no Azure subscription is used; Azure Resource Manager is simulated at ${origin}`);
    say(`  CA certificate:   ${setup.caFile}`);
    say(`  Sandbox state:    ${setup.sandbox.persistence?.restored ? "restored from" : "new, kept in"} ${setup.sandbox.persistence?.stateDir ?? "memory"} (POST /_sandbox/reset to start over)`);
    say(`  Registry backend: ${setup.registryBackend === "docker-registry" ? "docker-registry (real OCI registry)" : "in-memory (docker-registry not available)"}`);
    say(`  Blob storage:     ${setup.blobBackend === "azurite" ? "Azurite" : "served by the sandbox (Azurite not available)"}`);
    say(`  Demo resources:   subscription ${DEMO_SUBSCRIPTION_ID}, resource group ${DEMO_RESOURCE_GROUP}`);
    say(`                    registry ${DEMO_REGISTRY.loginServer}: ${DEMO_IMAGE.repository}:${DEMO_IMAGE.tag} (running: ${setup.demoImage}) and :${DEMO_IMAGE.nextTag}`);
    say(`                    apps ${DEMO_APPS.map((a) => `${a.name} (${a.activeRevisionsMode}${a.build ? ", its target builds" : ""})`).join(", ")}`);
  } else {
    say("AZURE MODE: talking to real Azure Resource Manager with DefaultAzureCredential.");
  }
  say("");
  say(`Functions host:     ${publicUrl}/api  (health: ${publicUrl}/api/health)`);
  say(`Function key:       ${keys.functionKey}  (${keys.functionKeySource === "settings" ? "from ACA_ROLLOUT_FUNCTION_KEY" : `stored in ${keys.keysFile}`})`);
  say(`Event Grid webhook: ${publicUrl}/runtime/webhooks/eventgrid?functionName=<name>  (key eventgrid_extension: ${runtime.eventGridKey})`);
  say("");
  // Examples for the targets actually configured (the demo's, or the user's own).
  const examples = targets.ok ? deployExamples(targets.targets) : [];
  say(targets.ok ? `Targets:            ${targets.targets.map((t) => t.name).join(", ") || "none (set ACA_ROLLOUT_TARGETS or ACA_ROLLOUT_TARGETS_FILE)"}` : "Targets:            invalid; GET /api/health/details lists the problems");
  for (const example of examples) {
    say(`${example.title}:`);
    say(`  curl -X POST "${publicUrl}/api/deployments" -H "x-functions-key: ${keys.functionKey}" -H "content-type: application/json" \\`);
    say(`       -d '${JSON.stringify(example.body)}'`);
  }
  say(`Their state:        curl "${publicUrl}/api/targets" -H "x-functions-key: ${keys.functionKey}"`);
  if (setup) {
    const origin = setup.sandbox.origin;
    const app = `${origin}/_sandbox/containerApps/${DEMO_SUBSCRIPTION_ID}/${DEMO_RESOURCE_GROUP}/demo-single`;
    say("");
    say("Rehearse a failure (sandbox control routes, no token needed):");
    say(`  next revision never gets healthy:  curl --cacert ${setup.caFile} -X PUT "${app}/nextRevision" -H "content-type: application/json" -d '{"kind":"neverHealthy"}'`);
    say(`  next ACR build fails:              curl --cacert ${setup.caFile} -X POST "${origin}/_sandbox/acr/next-run" -H "content-type: application/json" -d '{"status":"Failed","log":"step 3: npm ci failed"}'`);
    say(`  ARM answers 500 once:              curl --cacert ${setup.caFile} -X POST "${origin}/_sandbox/faults" -H "content-type: application/json" -d '{"operation":"Microsoft.App/containerApps/write","status":500,"code":"InternalServerError"}'`);
    say(`  what was called:                   curl --cacert ${setup.caFile} "${origin}/_sandbox/calls"`);
    say(`  Slack answers 404 channel_not_found: curl --cacert ${setup.caFile} -X POST "${origin}/_sandbox/notifications/answers" -H "content-type: application/json" -d '{"channel":"slack","status":404,"body":"channel_not_found"}'`);
    say("");
    say(`Notifications:      the demo targets post Teams cards, Slack messages and signed webhook events to the sandbox's receiver (${setup.sandbox.notifications?.origin ?? "not started"});`);
    say(`  what they sent:   curl --cacert ${setup.caFile} "${origin}/_sandbox/notifications"`);
    say("");
    say(`Auto-rollout:       ${DEMO_AUTO.app} deploys every ${DEMO_AUTO.tagPolicy.pattern} tag pushed to ${DEMO_REGISTRY.loginServer}/${DEMO_AUTO.repository}; the sandbox registry's webhook`);
    say(`                    posts each push to this runtime's /api/webhooks/acr with the secret header (ACA_ROLLOUT_WEBHOOK_SECRET).`);
    say(`  push a tag:       curl --cacert ${setup.caFile} -X POST "${origin}/_sandbox/registries/images" -H "content-type: application/json" -d '{"loginServer":"${DEMO_REGISTRY.loginServer}","repository":"${DEMO_AUTO.repository}","tag":"${DEMO_AUTO.nextTag}"}'`);
    say(`  deliveries:       curl --cacert ${setup.caFile} "${origin}/_sandbox/acr/webhooks"`);
  }
  say("");
  say("Press Ctrl-C to stop.");
}

async function stopAll(stack: Stoppable[]): Promise<void> {
  // Reverse start order: the runtime first, then the sandbox, then the services under it.
  for (const item of [...stack].reverse()) {
    try {
      await item.stop();
    } catch (error) {
      warn(`Stopping ${item.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The command-line flag that prints the indexed functions and their bindings at start-up. */
export const PRINT_FUNCTIONS_FLAG = "--print-functions";

/** Parses PORT (default 7071). */
export function portFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.PORT?.trim();
  if (!raw) return 7071;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got '${raw}'.`);
  return port;
}

/** Runs `npm start`. */
export async function main(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const started = Date.now();
  const mode = env.ACA_ROLLOUT_MODE?.trim() || "sandbox";
  const dataDir = resolve(env.ACA_ROLLOUT_DATA_DIR?.trim() || ".aca-rollout");
  const port = portFrom(env);
  const stack: Stoppable[] = [];
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string): void => {
    if (stopping) {
      warn(`${signal} again: exiting now.`);
      process.exit(1);
    }
    say(`\n${signal}: stopping…`);
    stopping = stopAll(stack).then(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  try {
    const requestLines = requestLinesEnabled(argv, env);
    await mkdir(dataDir, { recursive: true });
    const setup = mode === "sandbox" ? await setUpSandbox(dataDir, env, stack) : undefined;
    try {
      loadSettings(env);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      // Keep serving: GET /api/health reports the same problems with a 503.
      warn(`Settings are invalid: ${error.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`);
    }
    const targets = loadTargets(env);
    if (!targets.ok) warn(`Targets are invalid: ${targets.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`);
    // Accepted but inert until those features land: say so where the user is looking.
    for (const warning of targets.ok ? unsupportedFeatureWarnings(targets.targets) : []) warn(`Targets: ${warning.path} ${warning.message}.`);
    const keys = await loadOrCreateKeys(dataDir, env.ACA_ROLLOUT_FUNCTION_KEY?.trim() || undefined);
    const modules = await productFunctionModules();
    const runtime = await startLocalRuntime({
      functionModules: modules,
      clock: new RealClock(),
      port,
      dataDir,
      env,
      functionKey: keys.functionKey,
      masterKey: keys.masterKey,
      ...consoleLoggers(requestLines),
    });
    stack.push({ name: "local runtime", stop: () => runtime.stop() });
    if (setup) {
      // The registry's webhook needs the runtime's address, known only now.
      wireDemoWebhook(setup.sandbox, runtime.url, env);
      setup.sandbox.saveState();
    }
    printBanner(runtime, keys, setup, runtime.url, targets);
    // As `func start` lists the indexed functions; here on request, with their bindings.
    if (argv.includes(PRINT_FUNCTIONS_FLAG)) process.stdout.write(`\n${formatFunctionList(runtime.functions, runtime.url, runtime.routePrefix)}`);
    say(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s.${requestLines ? " One line per request follows (npm start -- --quiet turns them off)." : ""}`);
  } catch (error) {
    warn(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(stack);
    process.exit(1);
  }
}

// Run only when executed directly (not when a test imports the helpers).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main();
}
