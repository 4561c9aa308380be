/**
 * Provides `@azure/functions-core` exactly where the Node.js worker does (Azure/azure-functions-nodejs-worker,
 * src/setupCoreModule.ts): `Module.prototype.require` is wrapped so that `require('@azure/functions-core')`
 * answers the worker's API object, which `@azure/functions` looks up lazily on its first `app.*` call
 * (`setProgrammingModel(new ProgrammingModel())`, then `registerFunction(metadata, handler)` per
 * registration) and for `app.hook.*`. Registration follows src/coreApi/registerFunction.ts: refused
 * once indexing is locked, refused for a functionId registered before, `rawBindings` as the host reads
 * them. The state is per process, like the worker's.
 */
import Module from "node:module";
import { basename, dirname } from "node:path";
import type { FunctionCallback, FunctionMetadata, HookCallback, HookData, ProgrammingModel, RpcFunctionMetadata, RpcLogCategory, RpcLogLevel } from "./coreTypes.js";

/** The worker's version this module stands in for (azure-functions-nodejs-worker package.json as fetched). */
export const WORKER_VERSION = "3.9.1";
/** The host version reported to the library (the Functions runtime 4.x the product targets). */
export const HOST_VERSION = "4.1037.0";

/** Raised where the worker raises AzFuncSystemError. */
export class AzFuncSystemError extends Error {
  readonly isAzureFunctionsSystemError = true;
  constructor(message: string) {
    super(message);
    this.name = "AzFuncSystemError";
  }
}

/** The worker's Disposable (types-core `Disposable`). */
export class Disposable {
  #callOnDispose: (() => unknown) | undefined;

  /** Combines several disposables into one. */
  static from(...inputs: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => {
      for (const input of inputs) input.dispose();
    });
  }

  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }

  /** Runs the clean-up once. */
  dispose(): unknown {
    const call = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return call?.();
  }
}

/** One registered function: the metadata the worker would send the host, and the handler. */
export interface RegisteredFunction {
  metadata: RpcFunctionMetadata & { name: string; functionId: string; rawBindings: string[] };
  callback: FunctionCallback;
}

/** Where `log` calls of the core API go (the worker's RpcLog stream). */
export type CoreLogSink = (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;

/** The worker's app state (src/AppContext.ts): functions, hooks, the programming model. */
export class WorkerApp {
  programmingModel: ProgrammingModel | undefined;
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks = new Map<string, HookCallback[]>();
  /** Shared by every hook of the app. */
  appHookData: HookData = {};
  /** Shared by appStart and appTerminate hooks only. */
  appLevelOnlyHookData: HookData = {};
  /** Set once the app has started: registerFunction is refused afterwards, as in the worker. */
  indexingLocked = false;
  /** The module file being loaded, for scriptFile/directory (the worker's currentEntryPoint). */
  currentEntryPoint: string | undefined;
  /** Bumped on every (un)registration, so views can cache. */
  version = 0;
  log: CoreLogSink = () => {};

  /** Forgets every registration and hook (a new worker process, for tests that start several apps). */
  reset(): void {
    this.functions.clear();
    this.hooks.clear();
    this.appHookData = {};
    this.appLevelOnlyHookData = {};
    this.indexingLocked = false;
    this.version++;
  }

  /** The hooks registered under `name`, in registration order. */
  hooksFor(name: string): HookCallback[] {
    let list = this.hooks.get(name);
    if (!list) {
      list = [];
      this.hooks.set(name, list);
    }
    return list;
  }
}

/** The process's worker state (one app per process, as one worker process hosts one app). */
export const workerApp = new WorkerApp();

function registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
  if (workerApp.indexingLocked) throw new AzFuncSystemError("A function can only be registered during app startup.");
  const functionId = metadata.functionId || metadata.name;
  if (workerApp.functions.has(functionId)) throw new AzFuncSystemError(`A function with id "${functionId}" has already been registered.`);
  const entryPoint = workerApp.currentEntryPoint;
  const registered: RegisteredFunction = {
    metadata: {
      ...metadata,
      functionId,
      // What the host actually reads: one JSON object per binding, the binding's name inside.
      rawBindings: Object.entries(metadata.bindings).map(([name, binding]) => JSON.stringify({ ...binding, name })),
      scriptFile: entryPoint ? basename(entryPoint) : "unknown",
      ...(entryPoint ? { directory: dirname(entryPoint) } : {}),
    },
    callback,
  };
  workerApp.functions.set(functionId, registered);
  workerApp.version++;
  return new Disposable(() => {
    if (workerApp.indexingLocked) throw new AzFuncSystemError("A function can only be disposed during app startup.");
    workerApp.functions.delete(functionId);
    workerApp.version++;
  });
}

function registerHook(hookName: string, callback: HookCallback): Disposable {
  const hooks = workerApp.hooksFor(hookName);
  hooks.push(callback);
  return new Disposable(() => {
    const index = hooks.indexOf(callback);
    if (index > -1) hooks.splice(index, 1);
  });
}

/** The module object `require('@azure/functions-core')` answers. */
export const coreApi = {
  version: WORKER_VERSION,
  get hostVersion(): string {
    return HOST_VERSION;
  },
  registerHook,
  setProgrammingModel(programmingModel: ProgrammingModel): void {
    if (workerApp.programmingModel) workerApp.log("information", "system", `Setting Node.js programming model to "${programmingModel.name}" version "${programmingModel.version}"`);
    workerApp.programmingModel = programmingModel;
  },
  getProgrammingModel(): ProgrammingModel | undefined {
    return workerApp.programmingModel;
  },
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
    workerApp.log(level, category, message);
  },
  registerFunction,
  Disposable,
};

const CORE_MODULE = "@azure/functions-core";
let installed = false;

/**
 * Wraps `Module.prototype.require` so every CommonJS `require('@azure/functions-core')` (the library's
 * bundle uses one) gets {@link coreApi}. Idempotent. Must run before the library's first `app.*` call,
 * which caches the lookup for the life of the process.
 */
export function installCoreModule(): void {
  if (installed) return;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped, then called with its own `this` through Reflect.apply
  const original = Module.prototype.require;
  Module.prototype.require = new Proxy(original, {
    apply(target, thisArg: unknown, args: unknown[]): unknown {
      if (args[0] === CORE_MODULE) return coreApi;
      return Reflect.apply(target, thisArg, args) as unknown;
    },
  });
  installed = true;
}
