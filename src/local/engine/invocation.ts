/**
 * How the engine runs an orchestrator, activity or entity: as the Durable extension asks the host to,
 * through the worker (the registry's `invoke`, i.e. the library's InvocationModel), with the trigger
 * value as RPC typed data, the declared extra inputs (e.g. the durable client binding) as input data,
 * and the return value read back from the RPC response.
 */
import type { RpcLogLevel, RpcTypedData } from "../worker/coreTypes.js";
import type { DurableFunctionKind, FunctionRegistry } from "../worker/functionRegistry.js";
import type { IndexedBinding, IndexedFunction } from "../worker/hostIndexing.js";
import { readTypedData } from "../worker/typedData.js";

/** Log levels the engine reports at. */
export type EngineLogLevel = "debug" | "info" | "warn" | "error";

/** Where the engine and the functions it runs log to. */
export interface EngineLogger {
  log(level: EngineLogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** Supplies extra-input values by input (binding) name for one invocation (the host's input data). */
export type ExtraInputsProvider = (
  fn: { name: string; kind: DurableFunctionKind },
  extraInputDefs: readonly IndexedBinding[],
) => Map<string, unknown> | Record<string, unknown> | undefined;

/** Default logger: warnings and errors to stderr, the rest dropped. */
export const stderrLogger: EngineLogger = {
  log(level, message, fields) {
    if (level === "warn" || level === "error") process.stderr.write(`[engine ${level}] ${message}${fields ? ` ${JSON.stringify(fields)}` : ""}\n`);
  },
};

function engineLevel(level: RpcLogLevel): EngineLogLevel {
  if (level === "warning") return "warn";
  if (level === "error" || level === "critical") return "error";
  if (level === "information") return "info";
  return "debug";
}

/** Runs a Durable function with its trigger value; resolves with the return value, rejects with the function's error. */
export type DurableInvoker = (fn: IndexedFunction, trigger: RpcTypedData | undefined, triggerMetadata?: Record<string, RpcTypedData>) => Promise<unknown>;

/** A {@link DurableInvoker} over `registry` that logs to `logger` and takes extra inputs from `provideExtraInputs`. */
export function durableInvoker(registry: FunctionRegistry, logger: EngineLogger, provideExtraInputs?: ExtraInputsProvider): DurableInvoker {
  return async (fn, trigger, triggerMetadata) => {
    const kind = registry.durableKind(fn) ?? "activity";
    const extraDefs = fn.bindings.filter((b) => b !== fn.trigger && b.direction === "in");
    const provided = extraDefs.length > 0 ? provideExtraInputs?.({ name: fn.name, kind }, extraDefs) : undefined;
    const inputValues = provided instanceof Map ? Object.fromEntries(provided) : provided;
    const response = await registry.invoke(fn, trigger, {
      triggerMetadata,
      inputValues,
      log: ({ functionName, invocationId, level, message }) => logger.log(engineLevel(level), message, { functionName, invocationId }),
    });
    return readTypedData(response.returnValue);
  };
}
