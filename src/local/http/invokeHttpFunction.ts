/**
 * Runs one HTTP function the way the Node.js worker does: a real '@azure/functions' `HttpRequest`
 * and `InvocationContext` (with the function's binding options, so `df.getClient(context)` finds its
 * durable client input), then the handler's own return value, unconverted.
 */
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { format } from "node:util";
import functions from "@azure/functions";
import type { LogLevel } from "@azure/functions";
import type { ExtraInputsBuilder } from "../rpc/clientBinding.js";
import type { HttpFunctionSpec } from "./httpFunction.js";

/** One log line from a function (or from the host about a function). */
export interface FunctionLogEntry {
  level: LogLevel;
  functionName: string;
  invocationId: string;
  message: string;
}

/** Where function logs go. */
export type FunctionLogger = (entry: FunctionLogEntry) => void;

/** The parts of an incoming request the invocation needs. */
export interface IncomingCall {
  method: string;
  /** Absolute URL as the caller used it. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  params: Record<string, string>;
}

/** Flattens node's header object to the `Record<string, string>` the request init takes. */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** Builds the request and context, runs the handler and resolves whatever it returned. */
export async function invokeHttpFunction(
  spec: HttpFunctionSpec,
  call: IncomingCall,
  extraInputs: ExtraInputsBuilder | undefined,
  log: FunctionLogger,
  invocationId: string = randomUUID(),
): Promise<unknown> {
  // Default import: Node cannot see this CommonJS bundle's classes as named ESM exports.
  const request = new functions.HttpRequest({
    method: call.method,
    url: call.url,
    headers: flattenHeaders(call.headers),
    params: call.params,
    body: call.body.length > 0 ? { bytes: call.body } : undefined,
  });
  const context = new functions.InvocationContext({
    invocationId,
    functionName: spec.name,
    options: {
      trigger: spec.trigger,
      return: spec.returnBinding,
      extraInputs: [...spec.extraInputs],
      extraOutputs: [...spec.extraOutputs],
    },
    logHandler: (level, ...args) => log({ level, functionName: spec.name, invocationId, message: format(...args) }),
  });
  if (extraInputs && spec.extraInputs.length > 0) extraInputs(context, spec.extraInputs);
  return await spec.handler(request, context);
}
