/**
 * The in-process local runtime: captures the product's function registrations, imports its modules,
 * runs the orchestration engine (journal under the data dir) and serves the HTTP functions and the
 * Durable client rpc surface on loopback. Tests start it on a free port with a virtual clock;
 * `npm start` starts it on PORT with the real clock.
 */
import { pathToFileURL } from "node:url";
import { join, resolve } from "node:path";
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
import { captureFunctions, type FunctionRegistry } from "./capture/registry.js";
import { RpcFaults } from "./rpc/rpcFaults.js";
import { invokeTriggeredFunction } from "./triggers/invokeTriggered.js";
import { startTimerTriggers, type TimerFunction, type TimerTriggers } from "./timer/timerTriggers.js";
import functions from "@azure/functions";
import type { FunctionHandler, FunctionTrigger, GenericFunctionOptions } from "@azure/functions";
import type { EventGridFunctions } from "./eventGrid/eventGridWebhook.js";

/** How to start the local runtime. */
export interface LocalRuntimeOptions {
  /** Product modules to import once capture is installed (paths or file URLs), or a function that imports them. */
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

/** Says which captured registrations the local runtime will not run or only partly supports. */
function warnAboutUnsupported(registry: FunctionRegistry, log: FunctionLogger): void {
  const warn = (functionName: string, message: string): void => log({ level: "warning", functionName, invocationId: "", message });
  for (const [name, options] of registry.others) {
    if (options.trigger.type !== "eventGridTrigger" && options.trigger.type !== "timerTrigger") warn(name, "This trigger type is not run by the local runtime.");
  }
  for (const { name, options } of registry.http.values()) {
    const unsupported = (options.extraInputs ?? []).filter((input) => !isDurableClientInput(input)).map((input) => input.type);
    if (unsupported.length > 0) warn(name, `Extra inputs of type ${unsupported.join(", ")} receive no value locally.`);
    if ((options.extraOutputs ?? []).length > 0) warn(name, "Extra outputs are ignored locally.");
  }
}

/** A timer trigger binding's schedule options (the library copies them onto the binding). */
function timerFunctionFrom(name: string, trigger: FunctionTrigger): TimerFunction {
  const schedule: unknown = trigger.schedule;
  if (typeof schedule !== "string" || schedule.trim() === "") throw new Error(`Timer function '${name}' has no schedule.`);
  const runOnStartup: unknown = trigger.runOnStartup;
  const useMonitor: unknown = trigger.useMonitor;
  return { name, schedule, runOnStartup: runOnStartup === true, useMonitor: typeof useMonitor === "boolean" ? useMonitor : undefined };
}

async function importModules(modules: LocalRuntimeOptions["functionModules"]): Promise<void> {
  if (typeof modules === "function") {
    await modules();
    return;
  }
  for (const module of modules) {
    await import(module.startsWith("file:") ? module : pathToFileURL(resolve(module)).href);
  }
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

  // Capture must be installed before any product module runs its `app.*` registrations.
  const registry = captureFunctions();
  await importModules(options.functionModules);
  warnAboutUnsupported(registry, log);

  const doors = await openFrontDoors({
    functions: [...registry.http.values()].map(toHttpFunctionSpec),
    keys: { functionKeys: [functionKey], masterKey },
    taskHub,
    routePrefix: options.routePrefix ?? routePrefixFrom(hostJson),
    port: options.port ?? 0,
    log,
    rpcFaults,
    requestLog: options.requestLog,
  });

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
      fillExtraInputs: doors.extraInputs,
      logger: engineLoggerFor(log),
      overridableExistingInstanceStates,
    });
  } catch (error) {
    await doors.close();
    if (setHostname) delete process.env.WEBSITE_HOSTNAME;
    throw error;
  }
  const eventGridFunctions = registry.triggeredBy("eventGridTrigger");
  const eventGrid: EventGridFunctions = {
    // The extension's listener dictionary is keyed by the exact function name.
    has: (name) => eventGridFunctions.has(name),
    invoke: async (name, event) => {
      const fn = eventGridFunctions.get(name);
      if (fn) await invokeTriggeredFunction(name, fn, event, doors.extraInputs, log);
    },
  };
  doors.connect(engine, (name) => registry.orchestration(name) !== undefined, eventGrid);
  const timerHandlers = new Map<string, GenericFunctionOptions>([
    ...[...registry.timers.values()].map(({ name, options }): [string, GenericFunctionOptions] => [name, { trigger: options.trigger ?? functions.trigger.timer({ schedule: options.schedule, runOnStartup: options.runOnStartup, useMonitor: options.useMonitor }), handler: options.handler as FunctionHandler, extraInputs: options.extraInputs, extraOutputs: options.extraOutputs, return: options.return }]),
    ...registry.triggeredBy("timerTrigger"),
  ]);
  // The product's HTTP functions stamp requests with the runtime's clock (virtual under tests).
  useWallClock(() => clock.now());

  let timers: TimerTriggers;
  try {
    timers = await startTimerTriggers({
      functions: [...timerHandlers].map(([name, fn]) => timerFunctionFrom(name, fn.trigger)),
      clock,
      env,
      statusFile: join(dataDir, "timers.json"),
      invoke: async (name, timerInfo) => {
        const fn = timerHandlers.get(name);
        if (fn) await invokeTriggeredFunction(name, fn, timerInfo, doors.extraInputs, log);
      },
      onError: (functionName, error) => log({ level: "warning", functionName, invocationId: "", message: `Could not record the schedule status: ${String(error)}` }),
    });
  } catch (error) {
    useSystemWallClock();
    await doors.close();
    await engine.stop();
    if (setHostname) delete process.env.WEBSITE_HOSTNAME;
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
      // Timer invocations may start orchestrations and orchestrations may not start timers: two rounds settle both.
      await timers.idle();
      await engine.idle();
      await timers.idle();
    },
    taskHub,
    rpcFaults,
    stop() {
      stopped ??= (async () => {
        useSystemWallClock();
        await timers.stop();
        await doors.close();
        await engine.stop();
        if (setHostname) delete process.env.WEBSITE_HOSTNAME;
      })();
      return stopped;
    },
  };
}
