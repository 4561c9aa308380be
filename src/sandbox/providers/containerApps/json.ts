/**
 * JSON value helpers for the Container Apps provider: ARM bodies are stored as plain JSON so that
 * fields the sandbox does not model (dapr, probes, volumes, ...) round-trip untouched.
 */

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy, so stored state never aliases a request body or a reply. */
export function cloneJson<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/** Converts a parsed request body to JSON (drops `undefined`, functions and the like). */
export function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

/**
 * RFC 7386 JSON Merge Patch, as ARM applies a PATCH body: objects merge key by key, `null` deletes,
 * arrays and scalars replace whole (so `template.containers` is always replaced, never merged).
 */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = isJsonObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Structural equality; object key order does not matter, array order does. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keysA = Object.keys(a);
    if (keysA.length !== Object.keys(b).length) return false;
    return keysA.every((key) => key in b && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** The object at `key`, or undefined when absent or not an object. */
export function objectAt(holder: JsonObject | undefined, key: string): JsonObject | undefined {
  const value = holder?.[key];
  return isJsonObject(value) ? value : undefined;
}

/** The array at `key`, or undefined when absent or not an array. */
export function arrayAt(holder: JsonObject | undefined, key: string): JsonValue[] | undefined {
  const value = holder?.[key];
  return Array.isArray(value) ? value : undefined;
}

/** The string at `key`, or undefined when absent or not a string. */
export function stringAt(holder: JsonObject | undefined, key: string): string | undefined {
  const value = holder?.[key];
  return typeof value === "string" ? value : undefined;
}

/** The number at `key`, or undefined when absent or not a number. */
export function numberAt(holder: JsonObject | undefined, key: string): number | undefined {
  const value = holder?.[key];
  return typeof value === "number" ? value : undefined;
}
