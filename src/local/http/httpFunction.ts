/**
 * What the HTTP host needs to know about one HTTP-triggered function, read from the trigger binding
 * the host indexed (the library has already applied its defaults: methods GET+POST, anonymous). What
 * the binding leaves out gets the host's defaults (HttpTriggerAttribute): every method, auth level
 * `function`, the function's name as its route.
 */
import type { IndexedFunction } from "../worker/hostIndexing.js";

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
  /** The indexed function (invoked through the worker). */
  fn: IndexedFunction;
}

const ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "TRACE", "CONNECT"];

function asAuthLevel(value: string): AuthLevel {
  const level = value.toLowerCase();
  if (level === "anonymous" || level === "function") return level;
  // `admin` and `system` want the master key (or a system key); `user` is not served locally.
  return "admin";
}

/** Reads route, methods and auth level from the function's trigger binding. */
export function toHttpFunctionSpec(fn: IndexedFunction): HttpFunctionSpec {
  const trigger = fn.trigger;
  const methods: unknown = trigger.methods;
  const authLevel: unknown = trigger.authLevel;
  const route: unknown = trigger.route;
  return {
    name: fn.name,
    methods: new Set((Array.isArray(methods) && methods.length > 0 ? methods.map(String) : ALL_METHODS).map((m) => m.toUpperCase())),
    authLevel: asAuthLevel(typeof authLevel === "string" ? authLevel : "function"),
    route: typeof route === "string" ? route : fn.name,
    fn,
  };
}
