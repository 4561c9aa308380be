/**
 * ASP.NET-style route templates as the Functions host understands them: literal segments matched
 * case-insensitively, `{name}`, optional `{name?}`, defaults `{name=value}`, constraints
 * `{id:int}` (several may be chained) and a trailing catch-all `{*rest}`. Templates are compiled once
 * at start-up so that matching a request is a loop over pre-split segments.
 */

/** Tests one decoded route value. */
type ConstraintCheck = (value: string) => boolean;

interface LiteralSegment {
  kind: "literal";
  /** Lower-cased for case-insensitive comparison. */
  text: string;
}

interface ParameterSegment {
  kind: "parameter";
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue: string | undefined;
  constraints: ConstraintCheck[];
}

type Segment = LiteralSegment | ParameterSegment;

/** A compiled template. */
export interface RouteTemplate {
  /** The template as written (without the route prefix). */
  readonly template: string;
  /** Sort key: lower sorts first, mirroring ASP.NET's inbound route precedence. */
  readonly precedence: number[];
  /** Matches already-split, still-encoded path segments; returns route values or undefined. */
  match(segments: readonly string[]): Record<string, string> | undefined;
}

/** Raised at start-up for templates the host would refuse to index. */
export class RouteTemplateError extends Error {
  constructor(template: string, reason: string) {
    super(`Invalid route template '${template}': ${reason}`);
    this.name = "RouteTemplateError";
  }
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const GUID_D = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_N = /^[0-9a-f]{32}$/i;

function isInRangeInteger(value: string, min: bigint, max: bigint): boolean {
  if (!INTEGER.test(value)) return false;
  const n = BigInt(value);
  return n >= min && n <= max;
}

function isGuid(value: string): boolean {
  if (GUID_D.test(value) || GUID_N.test(value)) return true;
  const first = value[0];
  const last = value[value.length - 1];
  const inner = value.slice(1, -1);
  return ((first === "{" && last === "}") || (first === "(" && last === ")")) && GUID_D.test(inner);
}

function numberArgument(template: string, name: string, raw: string | undefined): number {
  const n = raw === undefined ? NaN : Number(raw.trim());
  if (!Number.isFinite(n)) throw new RouteTemplateError(template, `constraint '${name}' needs a numeric argument`);
  return n;
}

/** Builds the check for one constraint reference such as `int`, `min(1)` or `regex(^a+$)`. */
function constraintFor(template: string, reference: string): ConstraintCheck {
  const open = reference.indexOf("(");
  const name = (open === -1 ? reference : reference.slice(0, open)).toLowerCase();
  const argument = open === -1 ? undefined : reference.slice(open + 1, reference.endsWith(")") ? -1 : undefined);
  const args = argument?.split(",") ?? [];
  switch (name) {
    case "int":
      return (v) => INTEGER.test(v) && Number(v) >= INT32_MIN && Number(v) <= INT32_MAX;
    case "long":
      return (v) => isInRangeInteger(v, INT64_MIN, INT64_MAX);
    case "bool":
      return (v) => /^(true|false)$/i.test(v);
    case "guid":
      return isGuid;
    case "alpha":
      return (v) => /^[a-z]*$/i.test(v);
    case "float":
    case "double":
    case "decimal":
      return (v) => DECIMAL.test(v) && Number.isFinite(Number(v));
    case "datetime":
      return (v) => !Number.isNaN(Date.parse(v));
    case "required":
      return (v) => v.length > 0;
    case "minlength": {
      const min = numberArgument(template, name, args[0]);
      return (v) => v.length >= min;
    }
    case "maxlength": {
      const max = numberArgument(template, name, args[0]);
      return (v) => v.length <= max;
    }
    case "length": {
      const a = numberArgument(template, name, args[0]);
      const b = args.length > 1 ? numberArgument(template, name, args[1]) : a;
      return (v) => v.length >= a && v.length <= b;
    }
    case "min": {
      const min = numberArgument(template, name, args[0]);
      return (v) => INTEGER.test(v) && Number(v) >= min;
    }
    case "max": {
      const max = numberArgument(template, name, args[0]);
      return (v) => INTEGER.test(v) && Number(v) <= max;
    }
    case "range": {
      const min = numberArgument(template, name, args[0]);
      const max = numberArgument(template, name, args[1]);
      return (v) => INTEGER.test(v) && Number(v) >= min && Number(v) <= max;
    }
    case "regex": {
      if (argument === undefined) throw new RouteTemplateError(template, "constraint 'regex' needs a pattern");
      let pattern: RegExp;
      try {
        pattern = new RegExp(argument, "i");
      } catch {
        throw new RouteTemplateError(template, `constraint 'regex(${argument})' is not a valid pattern`);
      }
      return (v) => pattern.test(v);
    }
    default:
      throw new RouteTemplateError(template, `the constraint reference '${name}' could not be resolved`);
  }
}

/** Splits `name:int:min(1)=5?` into its parts; `:` inside parentheses belongs to the argument. */
function parseParameter(template: string, body: string): ParameterSegment {
  let text = body;
  let catchAll = false;
  if (text.startsWith("**")) {
    catchAll = true;
    text = text.slice(2);
  } else if (text.startsWith("*")) {
    catchAll = true;
    text = text.slice(1);
  }
  let optional = false;
  if (text.endsWith("?")) {
    optional = true;
    text = text.slice(0, -1);
  }
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === ":" && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  let name = parts[0] ?? "";
  let defaultValue: string | undefined;
  const lastIndex = parts.length - 1;
  const last = parts[lastIndex] ?? "";
  const eq = last.indexOf("=");
  if (eq !== -1 && !last.slice(0, eq).includes("(")) {
    defaultValue = last.slice(eq + 1);
    parts[lastIndex] = last.slice(0, eq);
    if (lastIndex === 0) name = parts[0] ?? "";
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RouteTemplateError(template, `'${name}' is not a valid parameter name`);
  if (optional && defaultValue !== undefined) throw new RouteTemplateError(template, `'${name}' cannot be optional and have a default`);
  const constraints = parts.slice(1).filter((p) => p.length > 0).map((p) => constraintFor(template, p));
  return { kind: "parameter", name, optional, catchAll, defaultValue, constraints };
}

function parseSegment(template: string, raw: string): Segment {
  if (raw.startsWith("{") && raw.endsWith("}") && raw.indexOf("{", 1) === -1) {
    return parseParameter(template, raw.slice(1, -1));
  }
  if (raw.includes("{") || raw.includes("}")) {
    throw new RouteTemplateError(template, `segment '${raw}' mixes literals and parameters, which this host does not support`);
  }
  return { kind: "literal", text: raw.toLowerCase() };
}

function segmentPrecedence(segment: Segment): number {
  if (segment.kind === "literal") return 1;
  if (segment.catchAll) return 5;
  if (segment.constraints.length > 0) return 3;
  return 4;
}

function decodeSegment(raw: string): string | undefined {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function passes(segment: ParameterSegment, value: string): boolean {
  for (const check of segment.constraints) if (!check(value)) return false;
  return true;
}

/** Compiles `template` (e.g. `items/{id:int}/{part?}`), throwing {@link RouteTemplateError} when invalid. */
export function compileRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^[~/]+/, "").replace(/\/+$/, "");
  const segments = trimmed === "" ? [] : trimmed.split("/").map((s) => parseSegment(template, s));
  const names = new Set<string>();
  segments.forEach((segment, index) => {
    if (segment.kind !== "parameter") return;
    const key = segment.name.toLowerCase();
    if (names.has(key)) throw new RouteTemplateError(template, `parameter '${segment.name}' appears twice`);
    names.add(key);
    if (segment.catchAll && index !== segments.length - 1) throw new RouteTemplateError(template, "a catch-all parameter must be the last segment");
    if (segment.optional && segments.slice(index + 1).some((s) => s.kind === "literal" || !(s.optional || s.catchAll || s.defaultValue !== undefined))) {
      throw new RouteTemplateError(template, `optional parameter '${segment.name}' must be followed only by optional segments`);
    }
  });
  const precedence = segments.map(segmentPrecedence);

  function match(pathSegments: readonly string[]): Record<string, string> | undefined {
    const values: Record<string, string> = {};
    let i = 0;
    for (; i < segments.length; i++) {
      const segment = segments[i]!;
      const raw = pathSegments[i];
      if (segment.kind === "literal") {
        if (raw === undefined) return undefined;
        const decoded = decodeSegment(raw);
        if (decoded === undefined || decoded.toLowerCase() !== segment.text) return undefined;
        continue;
      }
      if (segment.catchAll) {
        const rest = pathSegments.slice(i).map(decodeSegment);
        if (rest.some((s) => s === undefined)) return undefined;
        const joined = rest.join("/");
        const value = joined === "" ? segment.defaultValue : joined;
        // A catch-all is implicitly optional.
        if (value === undefined) return values;
        if (!passes(segment, value)) return undefined;
        values[segment.name] = value;
        return values;
      }
      if (raw === undefined || raw === "") {
        if (segment.defaultValue !== undefined) {
          values[segment.name] = segment.defaultValue;
          continue;
        }
        if (segment.optional) continue;
        return undefined;
      }
      const decoded = decodeSegment(raw);
      if (decoded === undefined || !passes(segment, decoded)) return undefined;
      values[segment.name] = decoded;
    }
    return i >= pathSegments.length ? values : undefined;
  }

  return { template, precedence, match };
}

/** Orders two templates the way ASP.NET routing prefers them (more specific first). */
export function compareRoutePrecedence(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    const pa = a.precedence[i] ?? 0;
    const pb = b.precedence[i] ?? 0;
    if (pa !== pb) return pa - pb;
  }
  return 0;
}
