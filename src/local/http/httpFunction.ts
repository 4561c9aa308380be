/**
 * What the HTTP host needs to know about one `app.http` function, normalised from the options the
 * product passed to '@azure/functions' (either the `HttpFunctionOptions` shorthand or a full
 * `trigger` binding), with the same defaults the library applies.
 */
import type { FunctionInput, FunctionOutput, FunctionTrigger, HttpFunctionOptions, HttpHandler } from "@azure/functions";

/** An `app.http` registration as captured before product modules run. */
export interface HttpFunctionRegistration {
  name: string;
  options: HttpFunctionOptions;
}

/** Function authorisation levels the host enforces. */
export type AuthLevel = "anonymous" | "function" | "admin";

/** One HTTP function, ready to route. */
export interface HttpFunctionSpec {
  name: string;
  /** Upper-case methods the function accepts. */
  methods: ReadonlySet<string>;
  authLevel: AuthLevel;
  /** Route template without the host's route prefix. */
  route: string;
  handler: HttpHandler;
  trigger: FunctionTrigger;
  returnBinding: FunctionOutput | undefined;
  extraInputs: readonly FunctionInput[];
  extraOutputs: readonly FunctionOutput[];
}

function stringProperty(source: object | undefined, key: string): string | undefined {
  if (!source) return undefined;
  const value: unknown = (source as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}

function stringArrayProperty(source: object | undefined, key: string): string[] | undefined {
  if (!source) return undefined;
  const value: unknown = (source as Record<string, unknown>)[key];
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
}

function asAuthLevel(name: string, value: string | undefined): AuthLevel {
  const level = (value ?? "anonymous").toLowerCase();
  if (level === "anonymous" || level === "function" || level === "admin") return level;
  throw new Error(`HTTP function '${name}' has an unknown authLevel '${value}'.`);
}

/** Applies the library's defaults (methods GET+POST, anonymous, route = function name). */
export function toHttpFunctionSpec(registration: HttpFunctionRegistration): HttpFunctionSpec {
  const { name, options } = registration;
  const trigger = options.trigger;
  const methods = stringArrayProperty(trigger, "methods") ?? options.methods ?? ["GET", "POST"];
  const authLevel = asAuthLevel(name, stringProperty(trigger, "authLevel") ?? options.authLevel);
  const route = stringProperty(trigger, "route") ?? options.route ?? name;
  return {
    name,
    methods: new Set(methods.map((m) => m.toUpperCase())),
    authLevel,
    route,
    handler: options.handler,
    trigger: trigger ?? { type: "httpTrigger", name: "httpTrigger1", authLevel, methods, route },
    returnBinding: options.return,
    extraInputs: options.extraInputs ?? [],
    extraOutputs: options.extraOutputs ?? [],
  };
}
