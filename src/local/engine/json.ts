/**
 * Payloads cross the engine the way they cross the Functions host: as JSON text. Keeping them as text
 * in history and journal makes every input, output and event a JSON round trip (a Date becomes an ISO
 * string, a Map `{}`, `undefined` disappears) exactly as it would in Azure.
 */

/** JSON text of `value`; `undefined` (or a function/symbol) has none. Throws on cycles and BigInt, as JSON does. */
export function toJsonText(value: unknown): string | undefined {
  return JSON.stringify(value);
}

/** The value JSON text denotes; absent text is `undefined`. */
export function fromJsonText(text: string | undefined | null): unknown {
  return text === undefined || text === null ? undefined : (JSON.parse(text) as unknown);
}

/** `value` after a JSON round trip (`undefined` stays `undefined`). */
export function jsonRoundTrip(value: unknown): unknown {
  return fromJsonText(toJsonText(value));
}

/** A plain-object view of `value`, or undefined when it is not a non-null object. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
