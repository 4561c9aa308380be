/**
 * Runs one non-HTTP, non-Durable triggered function (timer, Event Grid) with the trigger value the
 * host sends: an `InvocationContext` with the function's bindings, its durable client input filled,
 * the trigger value decoded from JSON as the library's `fromRpcTypedData` does and, for timers,
 * camel-cased as its InvocationModel does (`toCamelCaseValue`).
 */
import { randomUUID } from "node:crypto";
import { format } from "node:util";
import functions from "@azure/functions";
import type { GenericFunctionOptions } from "@azure/functions";
import type { ExtraInputsBuilder } from "../rpc/clientBinding.js";
import type { FunctionLogger } from "../http/invokeHttpFunction.js";

/** The library's toCamelCaseValue: object keys get a lower-case first letter, recursively. */
export function toCamelCaseValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCamelCaseValue);
  if (typeof value !== "object" || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) result[key.charAt(0).toLowerCase() + key.slice(1)] = toCamelCaseValue(inner);
  return result;
}

/** Invokes `options.handler` with `triggerValue` (a JSON value as the host sends it); rejects when the handler fails. */
export async function invokeTriggeredFunction(
  name: string,
  options: GenericFunctionOptions,
  triggerValue: unknown,
  extraInputs: ExtraInputsBuilder | undefined,
  log: FunctionLogger,
): Promise<unknown> {
  const invocationId = randomUUID();
  // The host sends the value as JSON typed data; the library parses it.
  const decoded: unknown = JSON.parse(JSON.stringify(triggerValue) ?? "null");
  const input = options.trigger.type === "timerTrigger" ? toCamelCaseValue(decoded) : decoded;
  const context = new functions.InvocationContext({
    invocationId,
    functionName: name,
    options: { trigger: options.trigger, return: options.return, extraInputs: [...(options.extraInputs ?? [])], extraOutputs: [...(options.extraOutputs ?? [])] },
    logHandler: (level, ...args) => log({ level, functionName: name, invocationId, message: format(...args) }),
  });
  if (extraInputs && options.extraInputs?.length) extraInputs(context, options.extraInputs);
  try {
    return await options.handler(input, context);
  } catch (error) {
    log({ level: "error", functionName: name, invocationId, message: `Executed '${name}' (Failed): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
    throw error;
  }
}
