/**
 * Injected faults: rules that make matching calls fail (status + ARM code), throttle (429 with
 * Retry-After), or answer slowly (a real-time delay before normal handling). Each rule fires a set
 * number of times and is then spent, so "503 three times, then success" is one rule with `times: 3`.
 */
import { randomUUID } from "node:crypto";

/** A fault rule as tests and `POST /_sandbox/faults` give it. All matchers present must match. */
export interface FaultRuleInput {
  /** Exact ARM operation (RBAC action) of the matched route, case-insensitive. */
  operation?: string;
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Case-insensitive substring of the request path (no query). */
  pathContains?: string;
  /** Only calls on this plane. */
  plane?: "arm" | "data";
  /** How many calls the rule affects; default 1, `"always"` never runs out. */
  times?: number | "always";
  /** Status to answer with; omit for a delay-only rule. */
  status?: number;
  /** ARM error code; defaults by status (403 AuthorizationFailed, 429 TooManyRequests, 503 ServiceUnavailable, ...). */
  code?: string;
  message?: string;
  /** `Retry-After` seconds; 429 defaults to 1. */
  retryAfterSeconds?: number;
  /** Real milliseconds to wait before answering (or before normal handling, for a delay-only rule). */
  delayMs?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** A stored rule with its id and how many more calls it affects. */
export interface FaultRule extends FaultRuleInput {
  id: string;
  remaining: number | "always";
  /** How many calls it has affected so far. */
  hits: number;
}

/** The call attributes rules are matched against. */
export interface FaultTarget {
  operation: string;
  method: string;
  path: string;
  plane: "arm" | "data";
}

const DEFAULT_CODES: Record<number, string> = {
  400: "BadRequest",
  401: "AuthenticationFailed",
  403: "AuthorizationFailed",
  404: "ResourceNotFound",
  409: "Conflict",
  412: "PreconditionFailed",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

/** The ARM error code a fault of `status` carries unless it names one. */
export function defaultCodeFor(status: number): string {
  return DEFAULT_CODES[status] ?? "InternalServerError";
}

/** Checks an untrusted rule (from JSON); returns the problems, empty when it is valid. */
export function faultRuleProblems(input: unknown): string[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return ["a fault rule must be a JSON object"];
  const rule = input as Record<string, unknown>;
  const problems: string[] = [];
  const optionalString = (name: string): void => {
    if (rule[name] !== undefined && typeof rule[name] !== "string") problems.push(`'${name}' must be a string`);
  };
  const optionalNumber = (name: string, min: number): void => {
    const value = rule[name];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < min)) problems.push(`'${name}' must be a number >= ${min}`);
  };
  ["operation", "method", "pathContains", "code", "message"].forEach(optionalString);
  if (rule.plane !== undefined && rule.plane !== "arm" && rule.plane !== "data") problems.push("'plane' must be 'arm' or 'data'");
  if (rule.times !== undefined && rule.times !== "always" && !(typeof rule.times === "number" && Number.isInteger(rule.times) && rule.times >= 1)) {
    problems.push("'times' must be a positive integer or 'always'");
  }
  if (rule.status !== undefined && !(typeof rule.status === "number" && Number.isInteger(rule.status) && rule.status >= 400 && rule.status <= 599)) {
    problems.push("'status' must be an HTTP error status (400-599)");
  }
  optionalNumber("retryAfterSeconds", 0);
  optionalNumber("delayMs", 0);
  if (rule.headers !== undefined && (typeof rule.headers !== "object" || rule.headers === null || Object.values(rule.headers).some((v) => typeof v !== "string"))) {
    problems.push("'headers' must map names to strings");
  }
  if (rule.status === undefined && rule.delayMs === undefined) problems.push("a rule needs a 'status' or a 'delayMs'");
  const known = new Set(["operation", "method", "pathContains", "plane", "times", "status", "code", "message", "retryAfterSeconds", "delayMs", "headers"]);
  for (const name of Object.keys(rule)) if (!known.has(name)) problems.push(`unknown field '${name}'`);
  return problems;
}

/** The active fault rules, first match wins. */
export class FaultInjector {
  private rules: FaultRule[] = [];

  /** Adds a rule; returns it with its id. */
  inject(input: FaultRuleInput): FaultRule {
    const problems = faultRuleProblems(input);
    if (problems.length > 0) throw new Error(`invalid fault rule: ${problems.join("; ")}`);
    const rule: FaultRule = { ...input, id: randomUUID(), remaining: input.times ?? 1, hits: 0 };
    this.rules.push(rule);
    return rule;
  }

  /** Removes one rule by id; returns whether it existed. */
  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** Replaces every rule with rules remembered from an earlier run (ids and counts kept). */
  restore(rules: readonly FaultRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule }));
  }

  /** The rules still active. */
  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** Finds the first active rule matching the call and spends one of its uses. */
  take(target: FaultTarget): FaultRule | undefined {
    const rule = this.rules.find((candidate) => matches(candidate, target));
    if (!rule) return undefined;
    rule.hits++;
    if (rule.remaining !== "always") {
      rule.remaining--;
      if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    }
    return { ...rule };
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.operation !== undefined && rule.operation.toLowerCase() !== target.operation.toLowerCase()) return false;
  if (rule.method !== undefined && rule.method.toUpperCase() !== target.method.toUpperCase()) return false;
  if (rule.pathContains !== undefined && !target.path.toLowerCase().includes(rule.pathContains.toLowerCase())) return false;
  if (rule.plane !== undefined && rule.plane !== target.plane) return false;
  return true;
}
