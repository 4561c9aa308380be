/**
 * Runs one invocation the way the Node.js worker's InvocationHandler does
 * (Azure/azure-functions-nodejs-worker, src/eventHandlers/InvocationHandler.ts): the programming
 * model's `getInvocationModel(coreCtx)`, `getArguments()`, the `preInvocation` hooks (which may replace
 * the inputs and the callback), `invokeFunction`, the `postInvocation` hooks (which see the result or
 * the error), then the error is rethrown or `getResponse()` turns the result into RPC output. Hooks run
 * in registration order (src/hooks/executeHooks.ts); their context objects refuse reassignment of the
 * read-only members, as the worker's do.
 */
import { randomUUID } from "node:crypto";
import { AzFuncSystemError, workerApp } from "./coreModule.js";
import type { CoreInvocationContext, HookContext, InvocationState, RpcInvocationRequest, RpcInvocationResponse, RpcLogCategory, RpcLogLevel } from "./coreTypes.js";
import type { IndexedFunction } from "./hostIndexing.js";

/** Where invocation logs go: the function's name and invocation id with each line. */
export type InvocationLogSink = (entry: { functionName: string; invocationId: string; level: RpcLogLevel; category: RpcLogCategory; message: string }) => void;

/** The RPC request parts a trigger supplies. */
export interface InvocationInput {
  inputData: NonNullable<RpcInvocationRequest["inputData"]>;
  triggerMetadata?: RpcInvocationRequest["triggerMetadata"];
  invocationId?: string;
}

/** Raised for a property the worker's hook contexts make read-only. */
class ReadOnlyError extends TypeError {
  constructor(name: string) {
    super(`Cannot assign to read only property '${name}'`);
    this.name = "ReadOnlyError";
  }
}

function hookContext<T extends object>(hookData: Record<string, unknown>, extra: T): HookContext & T {
  const base = {};
  Object.defineProperty(base, "hookData", { get: () => hookData, set: () => { throw new ReadOnlyError("hookData"); }, enumerable: true });
  Object.defineProperty(base, "appHookData", { get: () => workerApp.appHookData, set: () => { throw new ReadOnlyError("appHookData"); }, enumerable: true });
  return Object.assign(base, extra) as HookContext & T;
}

async function runHooks(name: string, context: HookContext): Promise<void> {
  for (const callback of [...workerApp.hooksFor(name)]) await callback(context);
}

/** Invokes `fn` with `input` through the programming model; rejects with the handler's (or a hook's) error. */
export async function invokeThroughWorker(fn: IndexedFunction, input: InvocationInput, log: InvocationLogSink): Promise<RpcInvocationResponse> {
  const model = workerApp.programmingModel;
  if (!model) throw new AzFuncSystemError("No programming model is set: '@azure/functions' never registered through @azure/functions-core.");
  const invocationId = input.invocationId ?? randomUUID();
  const request: RpcInvocationRequest = { invocationId, functionId: fn.functionId, inputData: input.inputData, triggerMetadata: input.triggerMetadata ?? {}, traceContext: { traceParent: "", traceState: "", attributes: {} }, retryContext: null };
  let state: InvocationState | undefined;
  const coreCtx: CoreInvocationContext = {
    invocationId,
    request,
    metadata: fn.registered.metadata,
    get state() {
      return state;
    },
    set state(value) {
      state = value;
    },
    log: (level, category, message) => log({ functionName: fn.name, invocationId, level, category, message }),
  };
  const invocationModel = await model.getInvocationModel(coreCtx);
  const hookData: Record<string, unknown> = {};
  const { context, inputs } = await invocationModel.getArguments();

  const pre = hookContext(hookData, { invocationContext: context, inputs, functionCallback: fn.registered.callback });
  Object.defineProperty(pre, "invocationContext", { get: () => context, set: () => { throw new ReadOnlyError("invocationContext"); } });
  coreCtx.state = "preInvocationHooks";
  try {
    await runHooks("preInvocation", pre);
  } finally {
    coreCtx.state = undefined;
  }

  const outcome: { result: unknown; error: unknown } = { result: null, error: null };
  const post = hookContext(hookData, { invocationContext: context, inputs: pre.inputs, ...outcome });
  Object.defineProperty(post, "invocationContext", { get: () => context, set: () => { throw new ReadOnlyError("invocationContext"); } });
  coreCtx.state = "invocation";
  try {
    post.result = await invocationModel.invokeFunction(context, pre.inputs, pre.functionCallback);
  } catch (error) {
    post.error = error;
  } finally {
    coreCtx.state = undefined;
  }
  coreCtx.state = "postInvocationHooks";
  try {
    await runHooks("postInvocation", post);
  } finally {
    coreCtx.state = undefined;
  }
  // The worker rethrows the error (a postInvocation hook may have cleared or replaced it).
  const failure: unknown = post.error;
  if (failure instanceof Error) throw failure;
  if (failure !== null && failure !== undefined) throw new Error(typeof failure === "string" ? failure : (JSON.stringify(failure) ?? "Function failed"));
  return await invocationModel.getResponse(context, post.result);
}

/** Runs the app's `appStart` hooks (the worker runs them after loading the entry points, src/startApp.ts). */
export async function runAppStartHooks(functionAppDirectory: string): Promise<void> {
  const context = hookContext(workerApp.appLevelOnlyHookData, { functionAppDirectory });
  await runHooks("appStart", context);
}

/** Runs the app's `appTerminate` hooks (the worker runs them on the host's WorkerTerminate, src/eventHandlers/terminateWorker.ts). */
export async function runAppTerminateHooks(): Promise<void> {
  const context = hookContext(workerApp.appLevelOnlyHookData, {});
  await runHooks("appTerminate", context);
}
