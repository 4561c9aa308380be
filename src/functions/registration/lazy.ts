/**
 * Registration that defers each function's implementation to its first invocation (issue 15: a cold
 * start pays for @azure/functions and durable-functions, not for zod, semver, the Dockerfile parser
 * or the ~150 product modules behind the handlers). A registration names the function, its trigger
 * options and a loader, a dynamic `import()` of the module that implements it; the metadata the host
 * receives is exactly what an eager registration sends (the handler is not part of it).
 *
 * Asynchronous handlers (HTTP, timer, Event Grid, activities) simply await the loader. Orchestrators
 * and entities are synchronous (a generator the durable library drives; an entity operation), so
 * they cannot await: their implementation is loaded by one `preInvocation` hook, which the Node.js
 * worker awaits before it calls the function (azure-functions-nodejs-worker InvocationHandler.ts and
 * hooks/executeHooks.ts; the local runtime does the same), and the registered handler then calls the
 * loaded implementation directly. An orchestrator handler returns the implementation's own generator,
 * so the durable library drives exactly the same generator as before and replay is unchanged.
 */
import { app, type PreInvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { ActivityHandler, ActivityOptions, EntityContext, EntityHandler, OrchestrationContext, OrchestrationHandler } from "durable-functions";

/** Loads an implementation: a dynamic `import()` of its module, picking the export. */
export type Loader<T> = () => Promise<T>;

/**
 * A loader that imports once and shares the result; a failed import is not remembered, so the next
 * call tries again (and reports the same error) instead of every later call reusing one rejection.
 */
function once<T>(load: Loader<T>): Loader<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

/** An asynchronous handler that loads its implementation on its first call and delegates every call to it. */
export function lazyHandler<A extends unknown[], R>(load: Loader<(...args: A) => R>): (...args: A) => Promise<Awaited<R>> {
  const implementation = once(load);
  return async (...args: A): Promise<Awaited<R>> => {
    const run = await implementation();
    return await run(...args);
  };
}

/** Function name -> the loader its `preInvocation` preload awaits (orchestrations and entities). */
const preloads = new Map<string, () => Promise<void>>();
let preloadHookRegistered = false;

/** Loads the implementation of the function about to run, if it is one loaded by the hook. */
async function preloadImplementation(context: PreInvocationContext): Promise<void> {
  await preloads.get(context.invocationContext.functionName)?.();
}

/**
 * Registers `preload` to run before each invocation of `functionName` (awaited by the worker), and the
 * one hook that runs them, on first use.
 */
function preloadBeforeInvocation(functionName: string, preload: () => Promise<void>): void {
  preloads.set(functionName, preload);
  if (preloadHookRegistered) return;
  app.hook.preInvocation(preloadImplementation);
  preloadHookRegistered = true;
}

/** The implementation a preload has set, or a clear error naming the function if none ran (a bug). */
function loaded<T>(functionName: string, implementation: T | undefined): T {
  if (implementation === undefined) throw new Error(`The implementation of ${functionName} was not loaded before its invocation: the preInvocation hook of src/functions/registration/lazy.ts did not run.`);
  return implementation;
}

/** Registers an activity whose handler is imported on its first invocation. */
export function lazyActivity(name: string, load: Loader<ActivityHandler>, options: Omit<ActivityOptions, "handler"> = {}): void {
  df.app.activity(name, { ...options, handler: lazyHandler(load) });
}

/** Registers an orchestration whose generator function is imported before its first invocation (by the preInvocation hook). */
export function lazyOrchestration(name: string, load: Loader<OrchestrationHandler>): void {
  let implementation: OrchestrationHandler | undefined;
  const loadOnce = once(load);
  preloadBeforeInvocation(name, async () => {
    implementation ??= await loadOnce();
  });
  // Not a generator itself: it returns the implementation's generator for the library to drive.
  df.app.orchestration(name, (context: OrchestrationContext) => loaded(name, implementation)(context));
}

/** Registers an entity whose handler is imported before its first invocation (by the preInvocation hook). */
export function lazyEntity<T>(name: string, load: Loader<EntityHandler<T>>): void {
  let implementation: EntityHandler<T> | undefined;
  const loadOnce = once(load);
  preloadBeforeInvocation(name, async () => {
    implementation ??= await loadOnce();
  });
  df.app.entity<T>(name, (context: EntityContext<T>) => loaded(name, implementation)(context));
}
