/**
 * Builds the `InvocationContext` each engine-run function receives, the way the Functions host would:
 * function name, invocation id, trigger and extra-input definitions, a log handler, and the values of
 * declared extra inputs (e.g. the durable client binding) supplied by the host.
 */
import { randomUUID } from "node:crypto";
import { format } from "node:util";
import functions from "@azure/functions";
import type { FunctionInput, InvocationContext, LogLevel } from "@azure/functions";
import type { CapturedDurableFunction, DurableFunctionKind } from "../capture/registry.js";

/** Log levels the engine reports at. */
export type EngineLogLevel = "debug" | "info" | "warn" | "error";

/** Where the engine and the functions it runs log to. */
export interface EngineLogger {
  log(level: EngineLogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** Supplies extra-input values by input name for one invocation (the brief's host hook). */
export type ExtraInputsProvider = (
  fn: { name: string; kind: DurableFunctionKind },
  extraInputDefs: readonly FunctionInput[],
) => Map<string, unknown> | Record<string, unknown> | undefined;

/** Fills extra inputs directly on the context (the HTTP host's `ExtraInputsBuilder` shape). */
export type ExtraInputsFiller = (context: InvocationContext, extraInputs: readonly FunctionInput[]) => void;

/** Default logger: warnings and errors to stderr, the rest dropped. */
export const stderrLogger: EngineLogger = {
  log(level, message, fields) {
    if (level === "warn" || level === "error") process.stderr.write(`[engine ${level}] ${message}${fields ? ` ${JSON.stringify(fields)}` : ""}\n`);
  },
};

function engineLevel(level: LogLevel): EngineLogLevel {
  if (level === "warning") return "warn";
  if (level === "error" || level === "critical") return "error";
  if (level === "information") return "info";
  return "debug";
}

/** Creates the context for one invocation of `fn`, with its extra inputs filled. */
export function createInvocationContext(
  fn: CapturedDurableFunction,
  options: { logger: EngineLogger; provideExtraInputs?: ExtraInputsProvider; fillExtraInputs?: ExtraInputsFiller; triggerMetadata?: Record<string, unknown> },
): InvocationContext {
  const invocationId = randomUUID();
  const context = new functions.InvocationContext({
    invocationId,
    functionName: fn.name,
    options: { trigger: fn.options.trigger, extraInputs: [...fn.extraInputs], extraOutputs: [...(fn.options.extraOutputs ?? [])], return: fn.options.return },
    triggerMetadata: options.triggerMetadata,
    logHandler: (level, ...args) => options.logger.log(engineLevel(level), format(...args), { functionName: fn.name, invocationId }),
  });
  if (fn.extraInputs.length > 0) {
    const values = options.provideExtraInputs?.({ name: fn.name, kind: fn.kind }, fn.extraInputs);
    const entries = values instanceof Map ? [...values.entries()] : Object.entries(values ?? {});
    for (const [name, value] of entries) context.extraInputs.set(name, value);
    options.fillExtraInputs?.(context, fn.extraInputs);
  }
  return context;
}
