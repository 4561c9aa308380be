/**
 * The one typed way an orchestrator calls an activity, a sub-orchestration or an entity, and waits
 * for one of them or a cancel. Each call's input and output types come from the contract registries
 * (`ActivityContracts`, `SubOrchestrationContracts`, `TargetEntityCalls`), and each call returns a
 * discriminated result: a task that faulted (an activity that kept throwing after its retries, a
 * sub-orchestration that failed, a child of `Task.any` whose `result` is an error) becomes
 * `{ ok: false, failure }`, never an exception and never an error read as an output.
 *
 * durable-functions 3.5 hazards handled here: `Task.any` completes when a child faults; a compound
 * task built over children that have all completed already never resolves, so every compound task
 * is yielded as soon as it is built and never over a child known to be complete.
 *
 * The cancel event's task must be tracked by the runtime before its `isCompleted` can be trusted: an
 * event raised before any yielded task includes it is held back until one does. The deploy includes
 * it in its very first wait (see `queueStep.ts`), so from then on `cancel.isCompleted` is exact.
 */
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { ActivityFailure, ActivityInput, ActivityName, ActivityOutput } from "../activities/contracts.js";
import type { AutoRolloutEntityCalls, ChannelEntityCalls, SubOrchestrationContracts, SubOrchestrationName, TargetEntityCalls } from "./contracts.js";

/**
 * An orchestrator's generator. The runtime resumes it with the result of the task it yielded; that
 * value is only ever received through {@link settle}, which types it from the registry, so the
 * generator itself accepts nothing (`never`).
 */
export type Flow<T> = Generator<df.Task, T, never>;

/** A call that did not produce an output: it faulted after its retries. */
export interface Failed {
  ok: false;
  failure: ActivityFailure;
}

/** Code of a failure that was a fault (thrown) rather than an answer, when no ARM code is known. */
export const CALL_FAULTED = "CallFaulted";

/**
 * Yields `task` and returns what the runtime resumes the generator with: the task's result, whose
 * type the caller takes from a contract registry. A faulted task is thrown here by the runtime.
 */
function* settle<T>(task: df.Task): Generator<df.Task, T, T> {
  return yield task;
}

/**
 * The failure record of a fault. Activities throw transient faults with a message naming the status,
 * ARM code and correlation id (`src/activities/azureErrors.ts`); those are kept.
 */
export function faultFailure(error: unknown, what: string): ActivityFailure {
  const text = error instanceof Error ? error.message : String(error);
  const code = /\bcode ([A-Za-z][A-Za-z0-9_.]*)/.exec(text)?.[1];
  const status = /\bstatus (\d{3})\b/.exec(text)?.[1];
  const correlationId = /\bcorrelation id ([0-9A-Za-z-]+)/.exec(text)?.[1];
  return {
    code: code ?? CALL_FAULTED,
    message: `${what} kept failing: ${text}`,
    ...(status !== undefined ? { statusCode: Number(status) } : {}),
    ...(correlationId !== undefined ? { correlationId } : {}),
  };
}

/** Yields `task` and returns its output, or the fault as a failure. */
function* outcomeOf<T>(task: df.Task, what: string): Flow<T | Failed> {
  try {
    return yield* settle<T>(task);
  } catch (error) {
    return { ok: false, failure: faultFailure(error, what) };
  }
}

/** Calls an activity with durable retries. */
export function* callActivity<N extends ActivityName>(context: OrchestrationContext, name: N, retry: df.RetryOptions, input: ActivityInput<N>): Flow<ActivityOutput<N> | Failed> {
  return yield* outcomeOf<ActivityOutput<N>>(context.df.callActivityWithRetry(name, retry, input), `activity ${name}`);
}

/** A sub-orchestration call, not yet yielded: pass it to {@link awaitCall} or {@link raceCancel}. */
export interface PendingCall<T> {
  task: df.Task;
  what: string;
  /** Phantom: the output type, for inference. */
  readonly output?: T;
}

/** Starts a sub-orchestration under a fixed instance id (so a replay or retry addresses the same instance). */
export function subOrchestration<N extends SubOrchestrationName>(
  context: OrchestrationContext,
  name: N,
  input: SubOrchestrationContracts[N]["input"],
  instanceId: string,
): PendingCall<SubOrchestrationContracts[N]["output"]> {
  return { task: context.df.callSubOrchestrator(name, input, instanceId), what: `sub-orchestration ${name} (${instanceId})` };
}

/** Waits for a pending call. */
export function* awaitCall<T>(call: PendingCall<T>): Flow<T | Failed> {
  return yield* outcomeOf<T>(call.task, call.what);
}

/** Calls an operation of the `deployTarget` entity (not yet yielded: pass it to {@link awaitCall}). */
export function targetEntityCall<Op extends keyof TargetEntityCalls>(
  context: OrchestrationContext,
  entity: df.EntityId,
  operation: Op,
  input: TargetEntityCalls[Op]["input"],
): PendingCall<TargetEntityCalls[Op]["output"]> {
  return { task: context.df.callEntity(entity, operation, input), what: `entity operation ${operation}` };
}

/** Calls an operation of a `notifyChannel` entity (not yet yielded: pass it to {@link awaitCall}). */
export function channelEntityCall<Op extends keyof ChannelEntityCalls>(
  context: OrchestrationContext,
  entity: df.EntityId,
  operation: Op,
  input: ChannelEntityCalls[Op]["input"],
): PendingCall<ChannelEntityCalls[Op]["output"]> {
  return { task: context.df.callEntity(entity, operation, input), what: `entity operation ${operation}` };
}

/**
 * Calls one activity once per input, all at the same time (no durable retry), and returns each
 * output or failure in input order. The compound task is built over fresh tasks only, and its
 * children are then read one by one, so one that faulted does not hide the others' outputs.
 */
export function* callActivitiesTogether<N extends ActivityName>(context: OrchestrationContext, name: N, inputs: readonly ActivityInput<N>[]): Flow<(ActivityOutput<N> | Failed)[]> {
  const tasks = inputs.map((input) => context.df.callActivity(name, input));
  if (tasks.length > 1) {
    try {
      yield* settle<unknown>(context.df.Task.all(tasks));
    } catch {
      // A child faulted: each is read below, the faulted one as a failure.
    }
  }
  const results: (ActivityOutput<N> | Failed)[] = [];
  for (const task of tasks) results.push(yield* outcomeOf<ActivityOutput<N>>(task, `activity ${name}`));
  return results;
}

/** Calls an operation of the `deployTarget` entity and waits for its answer. */
export function* callTargetEntity<Op extends keyof TargetEntityCalls>(
  context: OrchestrationContext,
  entity: df.EntityId,
  operation: Op,
  input: TargetEntityCalls[Op]["input"],
): Flow<TargetEntityCalls[Op]["output"] | Failed> {
  return yield* awaitCall(targetEntityCall(context, entity, operation, input));
}

/** Calls an operation of a target's `autoRollout` entity and waits for its answer. */
export function* callAutoRolloutEntity<Op extends keyof AutoRolloutEntityCalls>(
  context: OrchestrationContext,
  entity: df.EntityId,
  operation: Op,
  input: AutoRolloutEntityCalls[Op]["input"],
): Flow<AutoRolloutEntityCalls[Op]["output"] | Failed> {
  return yield* awaitCall<AutoRolloutEntityCalls[Op]["output"]>({ task: context.df.callEntity(entity, operation, input), what: `entity operation autoRollout.${operation}` });
}

/**
 * Waits for `call` to finish, even when a cancel arrives meanwhile, with `cancel` in the yielded
 * task so the runtime tracks it from here on (and applies a cancel raised earlier).
 */
export function* awaitCallTrackingCancel<T>(context: OrchestrationContext, call: PendingCall<T>, cancel: df.Task): Flow<T | Failed> {
  if (!cancel.isCompleted) yield* settle<df.Task>(context.df.Task.any([call.task, cancel]));
  return yield* awaitCall(call);
}

/**
 * The result of waiting for a call or a cancel, whichever comes first. `started` says whether the
 * call was scheduled (a cancel that had already arrived wins before it is).
 */
export type Raced<T> = { canceled: true; started: boolean } | { canceled: false; result: T | Failed };

/**
 * Waits for `call` or `cancel`. A cancel that has already arrived wins at once, without scheduling
 * the call; otherwise the race is yielded as soon as it is built.
 */
export function* raceCancel<T>(context: OrchestrationContext, call: PendingCall<T>, cancel: df.Task): Flow<Raced<T>> {
  if (cancel.isCompleted) return { canceled: true, started: false };
  const winner = yield* settle<df.Task>(context.df.Task.any([call.task, cancel]));
  if (winner === cancel) return { canceled: true, started: true };
  // The call has finished (completed or faulted): yielding it again only reads its result.
  return { canceled: false, result: yield* awaitCall(call) };
}

/**
 * Waits for the first of `tasks` to complete (or fault) and returns it. None may be complete already
 * (see the hazard above); read the winner's result with {@link awaitCall}.
 */
export function* firstOf(context: OrchestrationContext, tasks: df.Task[]): Flow<df.Task> {
  return yield* settle<df.Task>(context.df.Task.any(tasks));
}

/** Waits on a durable timer until `fireAt`. */
export function* sleep(context: OrchestrationContext, fireAt: Date): Flow<void> {
  yield* settle<unknown>(context.df.createTimer(fireAt));
}

/** Waits until `fireAt` unless a cancel comes first; true when canceled (the timer is then canceled). */
export function* sleepUnlessCanceled(context: OrchestrationContext, fireAt: Date, cancel: df.Task): Flow<boolean> {
  if (cancel.isCompleted) return true;
  const timer = context.df.createTimer(fireAt);
  const winner = yield* settle<df.Task>(context.df.Task.any([timer, cancel]));
  if (winner !== cancel) return false;
  timer.cancel();
  return true;
}
