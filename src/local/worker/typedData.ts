/**
 * RpcTypedData as the host builds it for the worker and reads it back: trigger and input values go in
 * as `json` (objects) or `string` typed data, the way the host's `ToRpc` conversions send them, and a
 * return value is read by its kind (a `string` stays a string, `json` is parsed), as the Durable
 * extension reads an out-of-proc function's return value.
 */
import type { RpcTypedData } from "./coreTypes.js";

/** A JSON value as `json` typed data (the host's ToRpcDefault: JsonConvert.SerializeObject). */
export function jsonData(value: unknown): RpcTypedData {
  return { json: JSON.stringify(value) ?? "null" };
}

/** Text as `string` typed data. */
export function stringData(text: string): RpcTypedData {
  return { string: text };
}

/** The value a returned RpcTypedData carries, as the host reads it. */
export function readTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.string !== undefined && data.string !== null) return data.string;
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json) as unknown;
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (data.int !== undefined && data.int !== null) return data.int;
  if (data.double !== undefined && data.double !== null) return data.double;
  if (data.collectionString?.string) return data.collectionString.string;
  if (data.collectionDouble?.double) return data.collectionDouble.double;
  if (data.collectionSint64?.sint64) return data.collectionSint64.sint64;
  if (data.collectionBytes?.bytes) return data.collectionBytes.bytes.map((b) => Buffer.from(b));
  return undefined;
}
