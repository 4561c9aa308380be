/**
 * Indexes the registered functions as the Functions host does with worker-indexed metadata, so a
 * registration the host would refuse fails the local runtime's start-up with the host's reason:
 * - function names: `^[a-z][a-z0-9_\-]{0,127}$`, case-insensitive, not `host` (azure-functions-host
 *   src/WebJobs.Script/Utility.cs `FunctionNameValidationRegex`, `ValidateName`: "'x' is not a valid
 *   function name."), unique ignoring case (the host compares names with `FunctionNamesMatch`,
 *   OrdinalIgnoreCase; FunctionMetadataManager: "Found duplicate FunctionMetadata with the name x");
 * - bindings (WorkerFunctionMetadataProvider.ValidateBindings over `rawBindings`, Utility.ValidateBinding):
 *   names `^([a-zA-Z][a-zA-Z0-9]{0,127}|\$return)$`, `$return` only as `out`, names unique ignoring
 *   case, at least one binding, a trigger input binding, and only one trigger (docs, "Azure Functions
 *   triggers and bindings concepts": a function must have exactly one trigger);
 * - directions `in`/`out`/`inout` (BindingMetadata.Create) and binding types an extension of the
 *   bundle provides (ScriptHost: "The binding type(s) 'x' were not found in the configured extension
 *   bundle.");
 * - per trigger what its extension requires at indexing: an HTTP trigger's auth level, methods and a
 *   route template the host can parse (HttpTriggerAttribute, ASP.NET route templates), a timer
 *   trigger's schedule (TimerSchedule.Create), a connection setting name where the extension needs one.
 */
import { compileRouteTemplate, RouteTemplateError } from "../routing/routeTemplate.js";
import { InvalidScheduleError, parseSchedule, resolveScheduleSetting } from "../timer/schedule.js";
import type { RpcBindingInfo } from "./coreTypes.js";
import type { RegisteredFunction } from "./coreModule.js";

/** One binding as the host reads it from `rawBindings`. */
export interface IndexedBinding extends RpcBindingInfo {
  name: string;
  type: string;
  direction: "in" | "out" | "inout";
}

/** A function the host indexed. */
export interface IndexedFunction {
  name: string;
  functionId: string;
  trigger: IndexedBinding;
  bindings: IndexedBinding[];
  registered: RegisteredFunction;
}

/** Raised when the host would refuse registrations; lists every refused function and why. */
export class FunctionIndexingError extends Error {
  constructor(readonly errors: ReadonlyArray<{ functionName: string; message: string }>) {
    super(`The Functions host would refuse ${errors.length === 1 ? "this registration" : "these registrations"}:\n${errors.map((e) => `  ${e.functionName}: ${e.message}`).join("\n")}`);
    this.name = "FunctionIndexingError";
  }
}

const FUNCTION_NAME = /^[a-z][a-z0-9_-]{0,127}$/i;
const BINDING_NAME = /^([a-zA-Z][a-zA-Z0-9]{0,127}|\$return)$/;
const DIRECTIONS = new Set(["in", "out", "inout"]);

/** Binding types the extension bundle v4 (and the host itself) provides, lower-cased. */
const KNOWN_TYPES = new Set(
  [
    "httpTrigger", "http", "timerTrigger", "eventGridTrigger", "eventGrid", "orchestrationTrigger", "activityTrigger", "entityTrigger",
    "durableClient", "orchestrationClient", "blobTrigger", "blob", "queueTrigger", "queue", "table", "serviceBusTrigger", "serviceBus",
    "eventHubTrigger", "eventHub", "cosmosDBTrigger", "cosmosDB", "signalRTrigger", "signalR", "signalRConnectionInfo", "sqlTrigger", "sql",
    "mySqlTrigger", "mySql", "webPubSubTrigger", "webPubSub", "webPubSubConnection", "webPubSubContext", "warmupTrigger", "sendGrid",
    "twilioSms", "kafkaTrigger", "kafka", "rabbitMQTrigger", "rabbitMQ", "mcpToolTrigger", "mcpResourceTrigger", "mcpPromptTrigger",
  ].map((t) => t.toLowerCase()),
);

// HttpTriggerAttribute's AuthorizationLevel and the methods ASP.NET routing accepts.
const AUTH_LEVELS = new Set(["anonymous", "user", "function", "system", "admin"]);
const HTTP_METHODS = new Set(["get", "post", "put", "delete", "head", "patch", "options", "trace", "connect"]);
// Triggers whose extension needs a connection setting name at indexing.
const NEEDS_CONNECTION = new Set(["servicebustrigger", "eventhubtrigger", "cosmosdbtrigger"]);

function isTriggerType(type: string): boolean {
  return /trigger$/i.test(type);
}

function stringProp(binding: RpcBindingInfo, key: string): string | undefined {
  const value = binding[key];
  return typeof value === "string" ? value : undefined;
}

/** The bindings of one registration, read from `rawBindings` as the host reads them. */
function readBindings(fn: RegisteredFunction): IndexedBinding[] {
  const bindings: IndexedBinding[] = [];
  const seen = new Set<string>();
  for (const raw of fn.metadata.rawBindings) {
    const parsed = JSON.parse(raw) as RpcBindingInfo & { name?: unknown };
    const name = typeof parsed.name === "string" ? parsed.name : undefined;
    if (name === undefined || !BINDING_NAME.test(name)) throw new Error(`The binding name ${name ?? ""} is invalid. Please assign a valid name to the binding.`);
    const direction = typeof parsed.direction === "string" ? parsed.direction.toLowerCase() : "";
    if (!DIRECTIONS.has(direction)) throw new Error(`'${String(parsed.direction)}' is not a valid binding direction for binding '${name}' (in, out or inout).`);
    if (name === "$return" && direction !== "out") throw new Error("$return bindings must specify a direction of 'out'.");
    if (seen.has(name.toLowerCase())) throw new Error(`Multiple bindings with name '${name}' discovered. Binding names must be unique.`);
    seen.add(name.toLowerCase());
    const type = typeof parsed.type === "string" ? parsed.type : "";
    bindings.push({ ...parsed, name, type, direction: direction as IndexedBinding["direction"] });
  }
  if (bindings.length === 0) throw new Error("At least one binding must be declared.");
  const unknown = bindings.filter((b) => !KNOWN_TYPES.has(b.type.toLowerCase())).map((b) => b.type);
  if (unknown.length > 0) throw new Error(`The binding type(s) '${unknown.join(", ")}' were not found in the configured extension bundle. Please ensure the correct version of the extension bundle is configured.`);
  return bindings;
}

function checkTrigger(functionName: string, trigger: IndexedBinding, env: NodeJS.ProcessEnv): void {
  const type = trigger.type.toLowerCase();
  if (type === "httptrigger") {
    const authLevel = stringProp(trigger, "authLevel") ?? "function";
    if (!AUTH_LEVELS.has(authLevel.toLowerCase())) throw new Error(`'${authLevel}' is not a valid authLevel (anonymous, function, admin).`);
    const methods = trigger.methods;
    if (methods !== undefined && (!Array.isArray(methods) || methods.some((m) => typeof m !== "string" || !HTTP_METHODS.has(m.toLowerCase())))) {
      throw new Error(`'methods' must be a list of HTTP methods, got ${JSON.stringify(methods)}.`);
    }
    const route = stringProp(trigger, "route") ?? functionName;
    try {
      compileRouteTemplate(route);
    } catch (error) {
      if (error instanceof RouteTemplateError) throw new Error(`${error.message} (the host cannot parse this route template).`);
      throw error;
    }
    return;
  }
  if (type === "timertrigger") {
    const schedule = stringProp(trigger, "schedule");
    if (!schedule) throw new Error("A timer trigger needs a 'schedule' (a 6-field NCRONTAB expression or a TimeSpan).");
    try {
      parseSchedule(resolveScheduleSetting(schedule, env));
    } catch (error) {
      if (error instanceof InvalidScheduleError) throw new Error(error.message);
      throw error;
    }
    return;
  }
  if (NEEDS_CONNECTION.has(type) && !stringProp(trigger, "connection")) throw new Error(`A ${trigger.type} needs a 'connection' (the name of an app setting).`);
}

/**
 * Indexes every registration; throws {@link FunctionIndexingError} naming each function the host
 * would refuse (the host indexes the rest and reports those as function errors; refusing start-up
 * locally makes the mistake impossible to miss).
 */
export function indexFunctions(registered: Iterable<RegisteredFunction>, env: NodeJS.ProcessEnv = process.env): IndexedFunction[] {
  const indexed: IndexedFunction[] = [];
  const errors: Array<{ functionName: string; message: string }> = [];
  const names = new Map<string, string>();
  for (const fn of registered) {
    const name = fn.metadata.name;
    try {
      if (!FUNCTION_NAME.test(name) || name.toLowerCase() === "host") throw new Error(`'${name}' is not a valid function name.`);
      const earlier = names.get(name.toLowerCase());
      if (earlier !== undefined) throw new Error(`Found duplicate FunctionMetadata with the name ${name} (function names are case-insensitive; '${earlier}' is registered already).`);
      names.set(name.toLowerCase(), name);
      const bindings = readBindings(fn);
      const triggers = bindings.filter((b) => isTriggerType(b.type) && b.direction === "in");
      const trigger = triggers[0];
      if (!trigger) throw new Error("No trigger binding specified. A function must have a trigger input binding.");
      if (triggers.length > 1) throw new Error(`A function must have exactly one trigger; found ${triggers.map((t) => `'${t.name}' (${t.type})`).join(" and ")}.`);
      checkTrigger(name, trigger, env);
      indexed.push({ name, functionId: fn.metadata.functionId, trigger, bindings, registered: fn });
    } catch (error) {
      errors.push({ functionName: name, message: error instanceof Error ? error.message : String(error) });
    }
  }
  if (errors.length > 0) throw new FunctionIndexingError(errors);
  return indexed;
}
