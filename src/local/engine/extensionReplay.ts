/**
 * The extension's half of a replay. After durable-functions returns its action list, the Durable
 * extension (OutOfProcOrchestrationShim + DurableTask.Core) replays those actions as C# code against the
 * same history: each scheduling call takes the next sequence id, scheduling events in history must match
 * the ids the replay assigns, and whatever the replay schedules beyond the history are the episode's new
 * decisions. Retries (RetryInterceptor), long-timer slicing, external-event buffering and entity
 * messages all happen on this side, so they are emulated here the way the C# code runs them.
 *
 * On top of DurableTask.Core (which only checks that an id exists) every scheduling event is compared
 * with the replayed action - kind, name, timer fireAt, sub-orchestration instance id, entity target and
 * operation - and any difference is reported as a NonDeterministicOrchestrationError naming both sides.
 */
import { createHash } from "node:crypto";
import { EventType, type HistoryEvent } from "./history.js";
import { asRecord, fromJsonText, toJsonText } from "./json.js";
import { computeRetryDelay, parseRetryPolicy, type RetryPolicy } from "./retry.js";
import { SyncTask } from "./syncTask.js";
import { ActionType, actionTypeName, type WireAction } from "./wireActions.js";

/** A decision the extension side took: something to schedule, with the sequence id it was given. */
export type Decision =
  | { kind: "ScheduleTask"; id: number; name: string; input: string | undefined }
  | { kind: "CreateTimer"; id: number; fireAt: number }
  | { kind: "CreateSubOrchestration"; id: number; name: string; instanceId: string; input: string | undefined }
  | { kind: "SendEvent"; id: number; instanceId: string; eventName: string; data: string | undefined };

/** What the replay needs to know about the instance and the host. */
export interface ReplayContext {
  instanceId: string;
  executionId: string;
  name: string;
  parentInstanceId: string | undefined;
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
  /** Whether a function of that kind is registered (the extension's `ThrowIfFunctionDoesNotExist`). */
  functionExists(kind: "activity" | "orchestration" | "entity", name: string): boolean;
  /** Called when a retry gives up because its retry timeout passed (see the module comment in retry.ts). */
  onRetryTimeout?(functionName: string): void;
}

/** Why the replay failed the orchestration. */
export interface ReplayFailure {
  kind: "NonDeterminism" | "InvalidAction";
  message: string;
}

/** The outcome of replaying one episode's actions against its history. */
export interface ReplayResult {
  /** Decisions not yet in the history, ordered by id. */
  decisions: Decision[];
  failure?: ReplayFailure;
  /** Set when the orchestrator called continueAsNew: the new input as JSON text. */
  continueAsNew?: { input: string | undefined };
  /** Entities whose locks the orchestration holds after this replay (scheduler ids). */
  heldLocks: string[];
  /** The request id of the held lock, when there is one. */
  lockRequestId: string | undefined;
}

/** The entity operation request message as the extension serialises it (`RequestMessage`). */
export interface EntityRequestMessage {
  op?: string;
  signal?: boolean;
  input?: string | null;
  id: string;
  parent?: string;
  parentExecution?: string;
  lockset?: string[];
  pos?: number;
}

/** Name of the event that carries an entity operation or lock request. */
export const ENTITY_REQUEST_EVENT = "op";
/** Name of the event that releases entity locks. */
export const ENTITY_RELEASE_EVENT = "release";

class NonDeterminismError extends Error {}

function describeDecision(decision: Decision | undefined): string {
  if (!decision) return "no action with that id";
  switch (decision.kind) {
    case "ScheduleTask":
      return `CallActivity '${decision.name}' (task id ${decision.id})`;
    case "CreateTimer":
      return `CreateTimer firing at ${new Date(decision.fireAt).toISOString()} (timer id ${decision.id})`;
    case "CreateSubOrchestration":
      return `CallSubOrchestrator '${decision.name}' with instance id '${decision.instanceId}' (task id ${decision.id})`;
    case "SendEvent":
      return `SendEvent '${decision.eventName}' to '${decision.instanceId}'${entityOperationSuffix(decision.data)} (event id ${decision.id})`;
  }
}

function entityOperationSuffix(data: string | undefined): string {
  const op = entityOperationOf(data);
  return op === undefined ? "" : ` operation '${op}'`;
}

function entityOperationOf(data: string | undefined): string | undefined {
  try {
    const op = asRecord(fromJsonText(data))?.op;
    return typeof op === "string" ? op : undefined;
  } catch {
    return undefined;
  }
}

function describeHistoryEvent(event: HistoryEvent): string {
  switch (event.EventType) {
    case EventType.TaskScheduled:
      return `TaskScheduled '${event.Name}' (task id ${event.EventId})`;
    case EventType.TimerCreated:
      return `TimerCreated firing at ${event.FireAt} (timer id ${event.EventId})`;
    case EventType.SubOrchestrationInstanceCreated:
      return `SubOrchestrationInstanceCreated '${event.Name}' with instance id '${event.InstanceId}' (task id ${event.EventId})`;
    default:
      return `EventSent '${event.Name}' to '${event.InstanceId}'${entityOperationSuffix(event.Input)} (event id ${event.EventId})`;
  }
}

function matches(event: HistoryEvent, decision: Decision | undefined): boolean {
  if (!decision) return false;
  switch (event.EventType) {
    case EventType.TaskScheduled:
      return decision.kind === "ScheduleTask" && decision.name === event.Name;
    case EventType.TimerCreated:
      return decision.kind === "CreateTimer" && decision.fireAt === Date.parse(event.FireAt ?? "");
    case EventType.SubOrchestrationInstanceCreated:
      return decision.kind === "CreateSubOrchestration" && decision.name === event.Name && decision.instanceId === event.InstanceId;
    case EventType.EventSent:
      return (
        decision.kind === "SendEvent" &&
        decision.instanceId === event.InstanceId &&
        decision.eventName === event.Name &&
        entityOperationOf(decision.data) === entityOperationOf(event.Input)
      );
    default:
      return false;
  }
}

/** JSON text of an action input; `processInput` already turned string inputs into JSON text. */
function processedInputText(input: unknown): string | undefined {
  return typeof input === "string" ? input : toJsonText(input);
}

/** Deterministic GUID-shaped id (the extension derives entity request ids from instance, time and a counter). */
function deterministicGuid(seed: string): string {
  const hex = createHash("sha1").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** The extension-side replay state for one episode (DurableTask.Core's TaskOrchestrationContext + the shim). */
class ExtensionSideReplay {
  private now = 0;
  private idCounter = 0;
  private guidCounter = 0;
  private readonly pending = new Map<number, Decision>();
  private readonly openTasks = new Map<number, SyncTask>();
  private readonly waitingForEvent = new Map<string, SyncTask[]>();
  private readonly bufferedEvents = new Map<string, number>();
  private continueAsNew: { input: string | undefined } | undefined;
  private locks: string[] | undefined;
  private lockRequestId: string | undefined;

  constructor(
    private readonly context: ReplayContext,
    private readonly actions: readonly WireAction[],
  ) {}

  run(history: readonly HistoryEvent[]): ReplayResult {
    let failure: ReplayFailure | undefined;
    try {
      for (const event of history) this.process(event);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failure = error instanceof NonDeterminismError ? { kind: "NonDeterminism", message } : { kind: "InvalidAction", message };
    }
    return {
      decisions: failure ? [] : [...this.pending.values()].sort((a, b) => a.id - b.id),
      failure,
      continueAsNew: this.continueAsNew,
      heldLocks: this.locks ? [...this.locks] : [],
      lockRequestId: this.lockRequestId,
    };
  }

  private process(event: HistoryEvent): void {
    switch (event.EventType) {
      case EventType.OrchestratorStarted:
        this.now = Date.parse(event.Timestamp);
        return;
      case EventType.ExecutionStarted:
        // The worker is invoked while DurableTask.Core processes ExecutionStarted; its actions replay from here.
        this.replaySequentially(0);
        return;
      case EventType.TaskScheduled:
      case EventType.TimerCreated:
      case EventType.SubOrchestrationInstanceCreated:
      case EventType.EventSent:
        this.matchScheduled(event);
        return;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.TimerFired:
        this.complete(event.EventType === EventType.TimerFired ? event.TimerId : event.TaskScheduledId, "succeeded");
        return;
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed:
        this.complete(event.TaskScheduledId, "failed");
        return;
      case EventType.EventRaised:
        this.raiseEvent(event.Name ?? "");
        return;
      default:
        return;
    }
  }

  private matchScheduled(event: HistoryEvent): void {
    const decision = this.pending.get(event.EventId);
    if (!matches(event, decision)) {
      throw new NonDeterminismError(
        `NonDeterministicOrchestrationError: orchestrator '${this.context.name}' (instance '${this.context.instanceId}') did not replay its history. ` +
          `Expected (history): ${describeHistoryEvent(event)}; actual (replay): ${describeDecision(decision)}. ` +
          "Orchestrator code must be deterministic: no Math.random, Date.now, module-level state or I/O in orchestrators.",
      );
    }
    this.pending.delete(event.EventId);
  }

  private complete(id: number | undefined, outcome: "succeeded" | "failed"): void {
    if (id === undefined) return;
    const task = this.openTasks.get(id);
    // Completions for unknown (e.g. cancelled) tasks are ignored, as DurableTask.Core does.
    if (!task) return;
    this.openTasks.delete(id);
    task.settle(outcome);
  }

  // Waiters are a stack and early events a queue, as in the extension's DurableOrchestrationContext.
  private raiseEvent(name: string): void {
    const waiters = this.waitingForEvent.get(name);
    const waiter = waiters?.pop();
    if (waiters && waiters.length === 0) this.waitingForEvent.delete(name);
    if (waiter) waiter.settle("succeeded");
    else this.bufferedEvents.set(name, (this.bufferedEvents.get(name) ?? 0) + 1);
  }

  private waitForEvent(name: string): SyncTask {
    const task = new SyncTask();
    const waiters = this.waitingForEvent.get(name) ?? [];
    waiters.push(task);
    this.waitingForEvent.set(name, waiters);
    const buffered = this.bufferedEvents.get(name);
    if (buffered) {
      if (buffered === 1) this.bufferedEvents.delete(name);
      else this.bufferedEvents.set(name, buffered - 1);
      this.raiseEvent(name);
    }
    return task;
  }

  // ProcessAsyncActionsV2: await each top-level action in turn, ignoring its failure.
  private replaySequentially(start: number): void {
    for (let index = start; index < this.actions.length; index++) {
      const action = this.actions[index]!;
      const task = this.invoke(action);
      if (!task.isDone) {
        task.onDone(() => this.replaySequentially(index + 1));
        return;
      }
    }
  }

  private nextId(): number {
    return this.idCounter++;
  }

  private scheduleTask(name: string, input: string | undefined): SyncTask {
    const id = this.nextId();
    this.pending.set(id, { kind: "ScheduleTask", id, name, input });
    return this.openTask(id);
  }

  private createSubOrchestration(name: string, instanceId: string | undefined, input: string | undefined): SyncTask {
    const id = this.nextId();
    // DurableTask.Core's default sub-orchestration instance id.
    const actualInstanceId = instanceId && instanceId.trim() ? instanceId : `${this.context.executionId}:${id}`;
    this.pending.set(id, { kind: "CreateSubOrchestration", id, name, instanceId: actualInstanceId, input });
    return this.openTask(id);
  }

  private sendEvent(instanceId: string, eventName: string, data: string | undefined): void {
    const id = this.nextId();
    this.pending.set(id, { kind: "SendEvent", id, instanceId, eventName, data });
  }

  private createRawTimer(fireAt: number): { id: number; task: SyncTask } {
    const id = this.nextId();
    this.pending.set(id, { kind: "CreateTimer", id, fireAt });
    return { id, task: this.openTask(id) };
  }

  private openTask(id: number): SyncTask {
    const task = new SyncTask();
    this.openTasks.set(id, task);
    return task;
  }

  private cancel(timer: { id: number; task: SyncTask }): void {
    if (timer.task.settle("canceled")) this.openTasks.delete(timer.id);
  }

  // The extension's CreateTimer: timers longer than the storage maximum become a loop of shorter ones.
  private createTimer(fireAt: number, isCanceled: boolean): SyncTask {
    const { maximumShortTimerMs: maxShort, longRunningTimerIntervalMs: interval } = this.context;
    if (fireAt - this.now <= maxShort) {
      const timer = this.createRawTimer(fireAt);
      if (isCanceled) this.cancel(timer);
      return timer.task;
    }
    const result = new SyncTask();
    let cancelled = false;
    let current: { id: number; task: SyncTask } | undefined;
    const loop = (intervalFireAt: number): void => {
      if (!(this.now < fireAt) || cancelled) {
        result.settle("succeeded");
        return;
      }
      current = this.createRawTimer(intervalFireAt);
      current.task.onDone(() => {
        if (current?.task.outcome !== "succeeded") {
          result.settle("canceled");
          return;
        }
        const remaining = fireAt - this.now;
        if (remaining <= 0) result.settle("succeeded");
        else loop(this.now + (remaining < interval ? remaining : interval));
      });
    };
    loop(this.now + interval);
    if (isCanceled && current) {
      cancelled = true;
      this.cancel(current);
    }
    return result;
  }

  // DurableTask.Core RetryInterceptor.Invoke.
  private withRetry(policy: RetryPolicy, functionName: string, attemptCall: () => SyncTask): SyncTask {
    const result = new SyncTask();
    const firstAttemptAt = this.now;
    const attempt = (retryCount: number): void => {
      if (retryCount >= policy.maxNumberOfAttempts) {
        result.settle("failed");
        return;
      }
      const call = attemptCall();
      call.onDone(() => {
        if (call.outcome === "succeeded") {
          result.settle("succeeded");
          return;
        }
        const delay = computeRetryDelay(policy, retryCount, firstAttemptAt, this.now);
        if (delay === 0) {
          this.context.onRetryTimeout?.(functionName);
          result.settle("failed");
          return;
        }
        const timer = this.createRawTimer(this.now + delay);
        timer.task.onDone(() => attempt(retryCount + 1));
      });
    };
    attempt(0);
    return result;
  }

  private retryPolicy(action: WireAction): RetryPolicy {
    const policy = parseRetryPolicy(action.retryOptions);
    // The extension validates retry delays against the storage provider's maximum timer length.
    for (const [label, value] of [
      ["MaxRetryInterval", policy.maxRetryIntervalMs],
      ["FirstRetryInterval", policy.firstRetryIntervalMs],
    ] as const) {
      if (value > this.context.maximumShortTimerMs) {
        throw new Error(`${label}: the specified delay of ${value} ms is longer than the maximum allowed ${this.context.maximumShortTimerMs} ms.`);
      }
    }
    return policy;
  }

  private requireFunction(kind: "activity" | "orchestration" | "entity", name: string): void {
    if (!this.context.functionExists(kind, name)) {
      const label = kind === "orchestration" ? "orchestrator" : kind;
      throw new Error(`The function '${name}' doesn't exist, is disabled, or is not an ${label} function.`);
    }
  }

  private requireSubOrchestrationId(instanceId: string | undefined): void {
    if (!instanceId) return;
    const same = (other: string | undefined): boolean => other !== undefined && other.toLowerCase() === instanceId.toLowerCase();
    if (same(this.context.instanceId) || same(this.context.parentInstanceId)) {
      throw new Error("The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.");
    }
    if (instanceId.startsWith("@")) throw new Error("Orchestration instance ids must not start with @");
  }

  private entityTarget(action: WireAction): string {
    const target = action.instanceId ?? "";
    const separator = target.indexOf("@", 1);
    if (!target.startsWith("@") || separator < 0) throw new Error(`Invalid entity id '${target}'.`);
    this.requireFunction("entity", target.substring(1, separator));
    return target;
  }

  private entityRequest(fields: Omit<EntityRequestMessage, "id" | "parent" | "parentExecution">, id?: string): EntityRequestMessage {
    const requestId = id ?? deterministicGuid(`${this.context.instanceId}|${this.context.executionId}|${this.now}|${this.guidCounter++}`);
    return { ...fields, id: requestId, parent: this.context.instanceId, parentExecution: this.context.executionId };
  }

  // OutOfProcOrchestrationShim.InvokeAPIFromAction.
  private invoke(action: WireAction): SyncTask {
    switch (action.actionType) {
      case ActionType.CallActivity: {
        const name = action.functionName ?? "";
        this.requireFunction("activity", name);
        return this.scheduleTask(name, processedInputText(action.input));
      }
      case ActionType.CallActivityWithRetry: {
        const name = action.functionName ?? "";
        const policy = this.retryPolicy(action);
        this.requireFunction("activity", name);
        const input = processedInputText(action.input);
        return this.withRetry(policy, name, () => this.scheduleTask(name, input));
      }
      case ActionType.CallSubOrchestrator: {
        const name = action.functionName ?? "";
        this.requireSubOrchestrationId(action.instanceId);
        this.requireFunction("orchestration", name);
        return this.createSubOrchestration(name, action.instanceId, toJsonText(action.input));
      }
      case ActionType.CallSubOrchestratorWithRetry: {
        const name = action.functionName ?? "";
        const policy = this.retryPolicy(action);
        this.requireSubOrchestrationId(action.instanceId);
        this.requireFunction("orchestration", name);
        const input = toJsonText(action.input);
        return this.withRetry(policy, name, () => this.createSubOrchestration(name, action.instanceId, input));
      }
      case ActionType.ContinueAsNew:
        this.continueAsNew = { input: processedInputText(action.input) };
        return SyncTask.completed();
      case ActionType.CreateTimer: {
        const fireAt = Date.parse(action.fireAt ?? "");
        if (Number.isNaN(fireAt)) throw new Error(`CreateTimer action has an invalid fireAt '${action.fireAt}'.`);
        return this.createTimer(fireAt, action.isCanceled === true);
      }
      case ActionType.WaitForExternalEvent:
        return this.waitForEvent(action.externalEventName ?? "");
      case ActionType.CallEntity: {
        const target = this.entityTarget(action);
        const request = this.entityRequest({ op: action.operation, signal: false, input: toJsonText(action.input) ?? null });
        this.sendEvent(target, ENTITY_REQUEST_EVENT, toJsonText(request));
        return this.waitForEvent(request.id);
      }
      case ActionType.SignalEntity: {
        const target = this.entityTarget(action);
        const request = this.entityRequest({ op: action.operation, signal: true, input: toJsonText(action.input) ?? null });
        this.sendEvent(target, ENTITY_REQUEST_EVENT, toJsonText(request));
        return SyncTask.completed();
      }
      case ActionType.LockEntities: {
        const lockSet = (action.lockSet ?? []).map((e) => `@${e.name.toLowerCase()}@${e.key}`);
        if (lockSet.length === 0) throw new Error("LockEntities needs at least one entity.");
        for (const target of lockSet) this.requireFunction("entity", target.substring(1, target.indexOf("@", 1)));
        const request = this.entityRequest({ signal: false, lockset: lockSet, pos: 0 }, action.lockRequestId);
        this.sendEvent(lockSet[0]!, ENTITY_REQUEST_EVENT, toJsonText(request));
        this.locks = lockSet;
        this.lockRequestId = request.id;
        return this.waitForEvent(request.id);
      }
      case ActionType.ReleaseEntities: {
        for (const target of this.locks ?? []) {
          this.sendEvent(target, ENTITY_RELEASE_EVENT, toJsonText({ parent: this.context.instanceId, id: this.lockRequestId }));
        }
        this.locks = undefined;
        this.lockRequestId = undefined;
        return SyncTask.completed();
      }
      case ActionType.WhenAll:
        return SyncTask.whenAll((action.compoundActions ?? []).map((child) => this.invoke(child)));
      case ActionType.WhenAny:
        return SyncTask.whenAny((action.compoundActions ?? []).map((child) => this.invoke(child)));
      case ActionType.CallHttp:
        throw new Error("callHttp is not supported by the local orchestration engine.");
      default:
        throw new Error(`Received an unexpected action type from the out-of-proc function: '${actionTypeName(action.actionType)}'.`);
    }
  }
}

/** Replays `actions` (the orchestrator's reply) against the full `history` of the current execution. */
export function replayExtensionSide(context: ReplayContext, history: readonly HistoryEvent[], actions: readonly WireAction[]): ReplayResult {
  return new ExtensionSideReplay(context, actions).run(history);
}
