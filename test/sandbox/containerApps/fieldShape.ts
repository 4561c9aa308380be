/**
 * Field-set comparison of a response body against an official example: every JSON path (array
 * elements merged under `[]`) with its JSON type. A local stand-in until the shared
 * `test/sandbox/shape.ts` helper exists; extras are allowed only where listed (fields the spec
 * declares but the example leaves out).
 */

type JsonType = "null" | "array" | "object" | "string" | "number" | "boolean";

function jsonType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const type = typeof value;
  if (type === "string" || type === "number" || type === "boolean" || type === "object") return type;
  throw new Error(`not JSON: ${type}`);
}

/** Every path in `value` mapped to the JSON types seen there. */
export function fieldPaths(value: unknown, path = "$", into = new Map<string, Set<JsonType>>()): Map<string, Set<JsonType>> {
  const type = jsonType(value);
  const types = into.get(path) ?? new Set<JsonType>();
  types.add(type);
  into.set(path, types);
  if (Array.isArray(value)) for (const item of value) fieldPaths(item, `${path}[]`, into);
  else if (type === "object") for (const [key, child] of Object.entries(value as Record<string, unknown>)) fieldPaths(child, `${path}.${key}`, into);
  return into;
}

/** Differences between the field sets; `allowedExtras` are path prefixes (e.g. `$.properties.environmentId`). */
export function shapeDifferences(actual: unknown, example: unknown, allowedExtras: readonly string[] = []): string[] {
  const actualPaths = fieldPaths(actual);
  const examplePaths = fieldPaths(example);
  const allowed = (path: string): boolean => allowedExtras.some((prefix) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[]`));
  const problems: string[] = [];
  for (const [path, types] of examplePaths) {
    const seen = actualPaths.get(path);
    if (!seen) problems.push(`missing ${path}`);
    else if (![...types].every((type) => seen.has(type))) problems.push(`type of ${path}: expected ${[...types].join("|")}, got ${[...seen].join("|")}`);
  }
  for (const path of actualPaths.keys()) if (!examplePaths.has(path) && !allowed(path)) problems.push(`extra ${path}`);
  return problems;
}
