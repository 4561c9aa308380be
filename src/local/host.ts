/**
 * The in-process local runtime: provides `@azure/functions-core` as the Node.js worker does, imports the
 * product's modules (which register through it), indexes the registrations with the host's rules,
 * runs the orchestration engine (journal under the data dir) and serves the HTTP functions and the
 * Durable client rpc surface on loopback. Tests start it on a free port with a virtual clock;
 * `npm start` starts it on PORT with the real clock.
 */
import { pathToFileURL } from "node:url";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { useSystemWallClock, useWallClock } from "../config/wallClock.js";
import { RealClock, type Clock } from "../common/clock.js";
import { createEngine, type LocalOrchestrationEngine } from "./engine/engine.js";
import type { EngineLogger } from "./engine/invocation.js";
import { openFrontDoors } from "./http/frontDoors.js";
import { overridableStatesFrom, readHostJson, routePrefixFrom } from "./http/hostJson.js";
import { toHttpFunctionSpec } from "./http/httpFunction.js";
import type { FunctionLogEntry, FunctionLogger } from "./http/invokeHttpFunction.js";
import { newKey } from "./http/keyStore.js";
import type { RequestLogger } from "./http/requestLog.js";
import { isDurableClientInput } from "./rpc/clientBinding.js";
import { RpcFaults } from "./rpc/rpcFaults.js";
import { startTimerTriggers, type TimerFunction, type TimerTriggers } from "./timer/timerTriggers.js";
import type { EventGridFunctions } from "./eventGrid/eventGridWebhook.js";
import { eventGridInvocation, timerInvocation } from "./triggers/triggerData.js";
import { installCoreModule, workerApp } from "./worker/coreModule.js";
import { FunctionRegistry, validateRegistrations } from "./worker/functionRegistry.js";
import type { IndexedBinding, IndexedFunction } from "./worker/hostIndexing.js";
import { runAppStartHooks, runAppTerminateHooks } from "./worker/invokeFunction.js";

/** How to start the local runtime. */
export interface LocalRuntimeOptions {
  /** Product modules to import once `@azure/functions-core` is provided (paths or file URLs), or a function that imports them. */
  functionModules: readonly string[] | (() => Promise<void>);
  /** Default: the real clock. */
  clock?: Clock;
  /** HTTP host port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Journal location's parent; default `ACA_ROLLOUT_DATA_DIR` or `.aca-rollout`. */
  dataDir?: string;
  /** Where defaults (task hub, function key) are read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Task hub name; default `ACA_ROLLOUT_TASK_HUB` or `acarollout`. */
  taskHub?: string;
  /** Key for `function`-level HTTP functions; default `ACA_ROLLOUT_FUNCTION_KEY`, else a fresh random key. */
  functionKey?: string;
  /** Master key (admin-level functions); default a fresh random key. */
  masterKey?: string;
  /** Route prefix; default host.json's `extensions.http.routePrefix` or `api`. */
  routePrefix?: string;
  /** Function and runtime logs; default: warnings and errors to stderr. */
  log?: FunctionLogger;
  /** Parsed host.json content; default the project's host.json (routePrefix, overridableExistingInstanceStates). */
  hostJson?: unknown;
  /** Told about every request the HTTP host answers; default: nobody. */
  requestLog?: RequestLogger;
}

/** A running local runtime. */
export interface LocalRuntime {
  /** `http://127.0.0.1:<port>` (HTTP functions live under `/api`). */
  url: string;
  /** The Durable rpc endpoint `df.getClient` calls, ending in `/`. */
  rpcBaseUrl: string;
  engine: LocalOrchestrationEngine;
  clock: Clock;
  registry: FunctionRegistry;
  functionKey: string;
  masterKey: string;
  /** The key the public Durable webhooks (`statusQueryGetUri` etc.) carry. */
  systemKey: string;
  /** The `eventgrid_extension` system key `/runtime/webhooks/eventgrid` wants (`code=` or `x-functions-key`). */
  eventGridKey: string;
  /** The running `app.timer` schedules. */
  timers: TimerTriggers;
  /** Resolves once no orchestration work and no timer invocation is running (drive the virtual clock with it). */
  idle(): Promise<void>;
  taskHub: string;
  /** The route prefix HTTP functions are served under (host.json's, default `api`). */
  routePrefix: string;
  /** The functions the host indexed, in registration order. */
  functions: readonly IndexedFunction[];
  /** Faults the Durable rpc endpoint answers with instead of the operation (what `df.getClient` calls). */
  rpcFaults: RpcFaults;
  /** Stops serving, then stops the engine (in-flight work is journaled). Safe to call twice. */
  stop(): Promise<void>;
}

/** Default logger: warnings and errors to stderr, the rest dropped. */
export const stderrFunctionLogger: FunctionLogger = (entry: FunctionLogEntry) => {
  if (entry.level === "error" || entry.level === "critical" || entry.level === "warning") {
    process.stderr.write(`[${entry.level}] ${entry.functionName}: ${entry.message}\n`);
  }
};

/** Routes the engine's log lines (and those of the functions it runs) to the runtime's logger. */
function engineLoggerFor(log: FunctionLogger): EngineLogger {
  return {
    log(level, message, fields) {
      const functionName = typeof fields?.functionName === "string" ? fields.functionName : "DurableTask";
      const invocationId = typeof fields?.invocationId === "string" ? fields.invocationId : "";
      log({ level: level === "warn" ? "warning" : level === "info" ? "information" : level, functionName, invocationId, message });
    },
  };
}

const RUN_LOCALLY = new Set(["httptrigger", "timertrigger", "eventgridtrigger", "orchestrationtrigger", "activitytrigger", "entitytrigger"]);

/** Says which registrations the local runtime will not run or only partly supports. */
function warnAboutUnsupported(functions: readonly IndexedFunction[], log: FunctionLogger): void {
  const warn = (functionName: string, message: string): void => log({ level: "warning", functionName, invocationId: "", message });
  for (const fn of functions) {
    if (!RUN_LOCALLY.has(fn.trigger.type.toLowerCase())) warn(fn.name, `Triggers of type ${fn.trigger.type} are not run by the local runtime.`);
    const unsupported = fn.bindings.filter((b) => b !== fn.trigger && b.direction === "in" && !isDurableClientInput(b)).map((b) => b.type);
    if (unsupported.length > 0) warn(fn.name, `Extra inputs of type ${unsupported.join(", ")} receive no value locally.`);
    const outputs = fn.bindings.filter((b) => b.direction === "out" && b.type.toLowerCase() !== "http" && b.name !== "$return");
    if (outputs.length > 0) warn(fn.name, "Extra outputs are ignored locally.");
  }
}

/** Imports the product's modules, telling the worker state which entry point is loading (scriptFile). */
async function importModules(modules: LocalRuntimeOptions["functionModules"]): Promise<void> {
  if (typeof modules === "function") {
    await modules();
    return;
  }
  for (const module of modules) {
    const url = module.startsWith("file:") ? module : pathToFileURL(resolve(module)).href;
    workerApp.currentEntryPoint = fileURLToPath(url);
    try {
      await import(url);
    } finally {
      workerApp.currentEntryPoint = undefined;
    }
  }
}

/** A timer trigger binding's schedule options (the library copies them onto the binding). */
function timerFunctionFrom(fn: IndexedFunction): TimerFunction {
  const { schedule, runOnStartup, useMonitor } = fn.trigger;
  return { name: fn.name, schedule: typeof schedule === "string" ? schedule : "", runOnStartup: runOnStartup === true, useMonitor: typeof useMonitor === "boolean" ? useMonitor : undefined };
}

/** Starts the local runtime. */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? new RealClock();
  const log = options.log ?? stderrFunctionLogger;
  const dataDir = resolve(options.dataDir ?? (env.ACA_ROLLOUT_DATA_DIR || ".aca-rollout"));
  const taskHub = options.taskHub ?? (env.ACA_ROLLOUT_TASK_HUB || "acarollout");
  const functionKey = options.functionKey ?? (env.ACA_ROLLOUT_FUNCTION_KEY || newKey());
  const masterKey = options.masterKey ?? newKey();

  const rpcFaults = new RpcFaults();
  const hostJson = options.hostJson ?? (await readHostJson());
  const overridableExistingInstanceStates = overridableStatesFrom(hostJson);

  // The core module must be in place before any product module runs its `app.*` registrations.
  installCoreModule();
  workerApp.log = (level, category, message) => log({ level, functionName: category === "system" ? "Worker" : "Host", invocationId: "", message });
  await importModules(options.functionModules);
  // Indexing as the host does it; a registration the host would refuse stops start-up here.
  const indexed = validateRegistrations(env);
  workerApp.indexingLocked = true;
  warnAboutUnsupported(indexed, log);
  const registry = new FunctionRegistry();
  registry.log = ({ functionName, invocationId, level, message }) => log({ level, functionName, invocationId, message });
  // The function app's root (where host.json is), as the worker's startApp receives it.
  await runAppStartHooks(process.cwd());

  const routePrefix = options.routePrefix ?? routePrefixFrom(hostJson);
  const doors = await openFrontDoors({
    functions: [...registry.triggeredBy("httpTrigger").values()].map(toHttpFunctionSpec),
    keys: { functionKeys: [functionKey], masterKey },
    taskHub,
    routePrefix,
    port: options.port ?? 0,
    log,
    rpcFaults,
    requestLog: options.requestLog,
  }).catch((error: unknown) => {
    workerApp.indexingLocked = false;
    throw error;
  });
  // The host sends the durable client binding's JSON to every function that declares the input.
  registry.inputValues = (_fn, binding: IndexedBinding) => (isDurableClientInput(binding) ? doors.binding : undefined);

  // durable-functions rewrites management URLs to localhost:7071 unless WEBSITE_HOSTNAME is set;
  // Core Tools sets it to the host's address, and so do we.
  const setHostname = process.env.WEBSITE_HOSTNAME === undefined;
  if (setHostname) process.env.WEBSITE_HOSTNAME = doors.url.replace(/^http:\/\//, "");

  let engine: LocalOrchestrationEngine;
  try {
    engine = await createEngine({
      registry,
      clock,
      dataDir: join(dataDir, "journal"),
      taskHubName: taskHub,
      logger: engineLoggerFor(log),
      overridableExistingInstanceStates,
    });
  } catch (error) {
    await doors.close();
    if (setHostname) delete process.env.WEBSITE_HOSTNAME;
    workerApp.indexingLocked = false;
    throw error;
  }
  const eventGridFunctions = registry.triggeredBy("eventGridTrigger");
  const eventGrid: EventGridFunctions = {
    // The extension's listener dictionary is keyed by the exact function name.
    has: (name) => eventGridFunctions.has(name),
    invoke: async (name, event) => {
      const fn = eventGridFunctions.get(name);
      if (!fn) return;
      const { trigger, triggerMetadata } = eventGridInvocation(fn.name, event, clock.now());
      await registry.invoke(fn, trigger, { triggerMetadata });
    },
  };
  doors.connect(engine, registry, eventGrid);
  // The product's HTTP functions stamp requests with the runtime's clock (virtual under tests).
  useWallClock(() => clock.now());

  const timerFunctions = registry.triggeredBy("timerTrigger");
  let timers: TimerTriggers;
  try {
    timers = await startTimerTriggers({
      functions: [...timerFunctions.values()].map(timerFunctionFrom),
      clock,
      env,
      statusFile: join(dataDir, "timers.json"),
      invoke: async (name, timerInfo) => {
        const fn = timerFunctions.get(name);
        if (!fn) return;
        const { trigger, triggerMetadata } = timerInvocation(fn.name, timerInfo, clock.now());
        try {
          await registry.invoke(fn, trigger, { triggerMetadata });
        } catch (error) {
          log({ level: "error", functionName: fn.name, invocationId: "", message: `Executed '${fn.name}' (Failed): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
          throw error;
        }
      },
      onError: (functionName, error) => log({ level: "warning", functionName, invocationId: "", message: `Could not record the schedule status: ${String(error)}` }),
    });
  } catch (error) {
    useSystemWallClock();
    await doors.close();
    await engine.stop();
    if (setHostname) delete process.env.WEBSITE_HOSTNAME;
    workerApp.indexingLocked = false;
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    url: doors.url,
    rpcBaseUrl: doors.rpcBaseUrl,
    engine,
    clock,
    registry,
    functionKey,
    masterKey,
    systemKey: doors.systemKey,
    eventGridKey: doors.eventGridKey,
    timers,
    async idle() {
      // Timer invocations may start orchestrations: settle both.
      await timers.idle();
      await engine.idle();
      await timers.idle();
    },
    taskHub,
    routePrefix,
    functions: indexed,
    rpcFaults,
    stop() {
      stopped ??= (async () => {
        // The worker runs appTerminate hooks when the host terminates it.
        await runAppTerminateHooks().catch((error: unknown) => log({ level: "error", functionName: "Worker", invocationId: "", message: `appTerminate hook failed: ${String(error)}` }));
        useSystemWallClock();
        await timers.stop();
        await doors.close();
        await engine.stop();
        if (setHostname) delete process.env.WEBSITE_HOSTNAME;
        // A restarted runtime is a new worker: registration is open again.
        workerApp.indexingLocked = false;
      })();
      return stopped;
    },
  };
}
