/**
 * Captures the functions the product registers with '@azure/functions', so the local runtime can run
 * them without the Functions host. `df.app.orchestration/activity/entity` call `app.generic` through
 * the package's exports object; `app.http` and its method shorthands call a module-internal `generic`,
 * so they are wrapped separately. Wrappers must be installed before product modules are imported
 * (ES imports are hoisted: call {@link captureFunctions} first, then `await import(...)` the product).
 */
import functions from "@azure/functions";
import type { EventGridFunctionOptions, FunctionHandler, FunctionInput, GenericFunctionOptions, HttpFunctionOptions, HttpHandler, HttpMethodFunctionOptions, TimerFunctionOptions } from "@azure/functions";

/** The three Durable trigger kinds. */
export type DurableFunctionKind = "orchestration" | "activity" | "entity";

/** A Durable function (orchestration, activity or entity) as registered through `app.generic`. */
export interface CapturedDurableFunction {
  name: string;
  kind: DurableFunctionKind;
  /** The handler durable-functions registered (its replay/entity/activity wrapper around the product's code). */
  handler: FunctionHandler;
  /** Everything else that was registered: trigger, extraInputs, extraOutputs, return, retry. */
  options: GenericFunctionOptions;
  extraInputs: readonly FunctionInput[];
}

/** An `app.http` (or `app.get/post/...`) registration, with the options exactly as the product passed them. */
export interface CapturedHttpFunction {
  name: string;
  options: HttpFunctionOptions;
}

/** An `app.timer` registration. */
export interface CapturedTimerFunction {
  name: string;
  options: TimerFunctionOptions;
}

function lookup<T>(map: ReadonlyMap<string, T>, name: string): T | undefined {
  const exact = map.get(name);
  if (exact !== undefined) return exact;
  const wanted = name.toLowerCase();
  for (const [registered, value] of map) if (registered.toLowerCase() === wanted) return value;
  return undefined;
}

const TRIGGER_KINDS: Record<string, DurableFunctionKind> = {
  orchestrationTrigger: "orchestration",
  activityTrigger: "activity",
  entityTrigger: "entity",
};

/** The functions captured so far, by kind. */
export class FunctionRegistry {
  readonly orchestrations = new Map<string, CapturedDurableFunction>();
  readonly activities = new Map<string, CapturedDurableFunction>();
  readonly entities = new Map<string, CapturedDurableFunction>();
  readonly http = new Map<string, CapturedHttpFunction>();
  readonly timers = new Map<string, CapturedTimerFunction>();
  /** Generic registrations with a trigger the local runtime does not run (kept so nothing vanishes silently). */
  readonly others = new Map<string, GenericFunctionOptions>();

  /** The orchestration registered under `name` (function names are case-insensitive, as in the host). */
  orchestration(name: string): CapturedDurableFunction | undefined {
    return lookup(this.orchestrations, name);
  }

  /** The activity registered under `name` (case-insensitive). */
  activity(name: string): CapturedDurableFunction | undefined {
    return lookup(this.activities, name);
  }

  /** The entity registered under `name` (case-insensitive). */
  entity(name: string): CapturedDurableFunction | undefined {
    return lookup(this.entities, name);
  }

  /** Records a `app.generic` registration under the map its trigger type selects. */
  addGeneric(name: string, options: GenericFunctionOptions): void {
    this.assertNewName(name);
    const kind = TRIGGER_KINDS[options.trigger.type];
    if (!kind) {
      this.others.set(name, options);
      return;
    }
    const captured: CapturedDurableFunction = { name, kind, handler: options.handler, options, extraInputs: options.extraInputs ?? [] };
    this.mapFor(kind).set(name, captured);
  }

  /** Records an `app.http` registration. */
  addHttp(name: string, options: HttpFunctionOptions): void {
    this.assertNewName(name);
    this.http.set(name, { name, options });
  }

  /** Records an `app.timer` registration. */
  addTimer(name: string, options: TimerFunctionOptions): void {
    this.assertNewName(name);
    this.timers.set(name, { name, options });
  }

  /** Generic registrations whose trigger binding has `type` (e.g. `eventGridTrigger`), by name. */
  triggeredBy(type: string): Map<string, GenericFunctionOptions> {
    return new Map([...this.others].filter(([, options]) => options.trigger.type === type));
  }

  /** Forgets every captured function. */
  clear(): void {
    for (const map of [this.orchestrations, this.activities, this.entities, this.http, this.timers, this.others]) map.clear();
  }

  private mapFor(kind: DurableFunctionKind): Map<string, CapturedDurableFunction> {
    if (kind === "orchestration") return this.orchestrations;
    return kind === "activity" ? this.activities : this.entities;
  }

  // The Functions host refuses two functions with one name (ignoring case), whatever their triggers.
  private assertNewName(name: string): void {
    const taken = [this.orchestrations, this.activities, this.entities, this.http, this.timers, this.others].some((map: ReadonlyMap<string, unknown>) => lookup(map, name) !== undefined);
    if (taken) throw new Error(`A function with the name '${name}' has already been registered.`);
  }
}

type HttpMethodName = "GET" | "PUT" | "POST" | "PATCH" | "DELETE";

const sharedRegistry = new FunctionRegistry();
let installed = false;

// '@azure/functions' types `app` as a namespace; at run time it is the bundle's plain, writable exports object.
function appExports(): Record<string, unknown> {
  return functions.app;
}

function methodShorthand(method: HttpMethodName) {
  return (name: string, optionsOrHandler: HttpMethodFunctionOptions | HttpHandler): void => {
    // Same normalisation as the library's own shorthand (it overwrites `methods`).
    const options: HttpFunctionOptions = typeof optionsOrHandler === "function" ? { handler: optionsOrHandler } : { ...optionsOrHandler };
    options.methods = [method];
    sharedRegistry.addHttp(name, options);
  };
}

/**
 * Installs the capturing wrappers on '@azure/functions' `app` (once; later calls are no-ops) and returns
 * the registry they fill. Registrations are captured instead of being passed to the missing host.
 */
export function captureFunctions(): FunctionRegistry {
  if (installed) return sharedRegistry;
  const app = appExports();
  app.generic = (name: string, options: GenericFunctionOptions): void => sharedRegistry.addGeneric(name, options);
  app.http = (name: string, options: HttpFunctionOptions): void => sharedRegistry.addHttp(name, options);
  app.timer = (name: string, options: TimerFunctionOptions): void => sharedRegistry.addTimer(name, options);
  // Same conversion as the library's app.eventGrid (convertToGenericOptions with trigger.eventGrid).
  app.eventGrid = (name: string, options: EventGridFunctionOptions): void => {
    const { handler, return: ret, trigger, extraInputs, extraOutputs } = options;
    sharedRegistry.addGeneric(name, { trigger: trigger ?? functions.trigger.eventGrid({}), return: ret, extraInputs, extraOutputs, handler: handler as FunctionHandler });
  };
  app.get = methodShorthand("GET");
  app.put = methodShorthand("PUT");
  app.post = methodShorthand("POST");
  app.patch = methodShorthand("PATCH");
  app.deleteRequest = methodShorthand("DELETE");
  installed = true;
  return sharedRegistry;
}

/** Empties the shared registry (the wrappers stay installed); for tests. */
export function resetCapturedFunctions(): void {
  sharedRegistry.clear();
}
