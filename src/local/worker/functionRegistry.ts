/**
 * The functions the app registered through `@azure/functions-core`, by trigger kind, for the engine
 * and the HTTP host; every invocation goes through the worker's pipeline (invokeFunction.ts). Input
 * bindings other than the trigger (the durable client) get their values from the host side, as the
 * host sends them in `inputData`.
 */
import { workerApp, type RegisteredFunction } from "./coreModule.js";
import type { RpcInvocationResponse, RpcTypedData } from "./coreTypes.js";
import { indexFunctions, type IndexedBinding, type IndexedFunction } from "./hostIndexing.js";
import { invokeThroughWorker, type InvocationLogSink } from "./invokeFunction.js";
import { stringData } from "./typedData.js";

/** The three Durable trigger kinds. */
export type DurableFunctionKind = "orchestration" | "activity" | "entity";

/** Values for a function's non-trigger input bindings (e.g. the durable client's JSON), by binding. */
export type InputBindingValues = (fn: IndexedFunction, binding: IndexedBinding) => unknown;

/** How one invocation is run. */
export interface InvokeOptions {
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Overrides the registry's input values for this call, by binding name. */
  inputValues?: Readonly<Record<string, unknown>>;
  invocationId?: string;
  /** Overrides the registry's log sink for this call. */
  log?: InvocationLogSink;
}

const DURABLE_TRIGGERS: Record<string, DurableFunctionKind> = { orchestrationtrigger: "orchestration", activitytrigger: "activity", entitytrigger: "entity" };

function lookup(map: ReadonlyMap<string, IndexedFunction>, name: string): IndexedFunction | undefined {
  // Function names are case-insensitive in the host.
  const exact = map.get(name);
  if (exact) return exact;
  const wanted = name.toLowerCase();
  for (const [key, fn] of map) if (key.toLowerCase() === wanted) return fn;
  return undefined;
}

/** A live view of the registered functions (rebuilt when registrations change). */
export class FunctionRegistry {
  /** Supplies non-trigger input values (set by the runtime once its durable client binding exists). */
  inputValues: InputBindingValues = () => undefined;
  /** Where function and worker logs go. */
  log: InvocationLogSink = () => {};
  private version = -1;
  private all: IndexedFunction[] = [];
  private byKind = new Map<string, Map<string, IndexedFunction>>();

  /** Every function, indexed leniently (start-up validation is {@link validateRegistrations}). */
  functions(): IndexedFunction[] {
    this.refresh();
    return this.all;
  }

  /** Functions whose trigger has `type` (case-insensitive), by name as registered. */
  triggeredBy(type: string): ReadonlyMap<string, IndexedFunction> {
    this.refresh();
    return this.byKind.get(type.toLowerCase()) ?? new Map();
  }

  /** The HTTP-triggered functions, by name. */
  get http(): ReadonlyMap<string, IndexedFunction> {
    return this.triggeredBy("httpTrigger");
  }

  /** The function of trigger `type` registered under `name` (names are case-insensitive). */
  find(type: string, name: string): IndexedFunction | undefined {
    return lookup(this.triggeredBy(type), name);
  }

  /** The orchestration registered under `name`, if any. */
  orchestration(name: string): IndexedFunction | undefined {
    return lookup(this.triggeredBy("orchestrationTrigger"), name);
  }

  /** The activity registered under `name`, if any. */
  activity(name: string): IndexedFunction | undefined {
    return lookup(this.triggeredBy("activityTrigger"), name);
  }

  /** The entity registered under `name`, if any. */
  entity(name: string): IndexedFunction | undefined {
    return lookup(this.triggeredBy("entityTrigger"), name);
  }

  /** The Durable kind of a function, if it is one. */
  durableKind(fn: IndexedFunction): DurableFunctionKind | undefined {
    return DURABLE_TRIGGERS[fn.trigger.type.toLowerCase()];
  }

  /** Runs `fn` with its trigger value through the worker's pipeline. */
  async invoke(fn: IndexedFunction, trigger: RpcTypedData | undefined, options: InvokeOptions = {}): Promise<RpcInvocationResponse> {
    const inputData = [{ name: fn.trigger.name, data: trigger }];
    for (const binding of fn.bindings) {
      if (binding === fn.trigger || binding.direction !== "in") continue;
      const value = options.inputValues?.[binding.name] ?? this.inputValues(fn, binding);
      // The host sends input binding values as JSON text (the library parses string data as JSON).
      if (value !== undefined) inputData.push({ name: binding.name, data: stringData(typeof value === "string" ? value : (JSON.stringify(value) ?? "null")) });
    }
    return invokeThroughWorker(fn, { inputData, triggerMetadata: options.triggerMetadata, invocationId: options.invocationId }, options.log ?? this.log);
  }

  private refresh(): void {
    if (this.version === workerApp.version) return;
    this.all = leniently([...workerApp.functions.values()]);
    this.byKind = new Map();
    for (const fn of this.all) {
      const type = fn.trigger.type.toLowerCase();
      let map = this.byKind.get(type);
      if (!map) {
        map = new Map<string, IndexedFunction>();
        this.byKind.set(type, map);
      }
      if (!lookup(map, fn.name)) map.set(fn.name, fn);
    }
    this.version = workerApp.version;
  }
}

// Index each registration on its own so one bad registration doesn't hide the others from lookups.
function leniently(registered: RegisteredFunction[]): IndexedFunction[] {
  const result: IndexedFunction[] = [];
  for (const fn of registered) {
    try {
      result.push(...indexFunctions([fn]));
    } catch {
      // Reported by validateRegistrations at start-up.
    }
  }
  return result;
}

/** Indexes every registration with the host's rules; throws naming each refused function. */
export function validateRegistrations(env: NodeJS.ProcessEnv = process.env): IndexedFunction[] {
  return indexFunctions(workerApp.functions.values(), env);
}
