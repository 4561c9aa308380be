/**
 * The contract between the local orchestration engine and its front doors (the extension's rpc
 * surface that `df.getClient` calls, tests, and `npm start`). Shapes mirror the Durable extension's
 * HTTP API so the rpc layer is a thin translation.
 */

/** Runtime status names exactly as the Durable extension reports them. */
export type RuntimeStatus =
  | "Pending"
  | "Running"
  | "Completed"
  | "ContinuedAsNew"
  | "Failed"
  | "Canceled"
  | "Terminated"
  | "Suspended";

/** One history event as the extension's status API returns it with `showHistory=true`. */
export interface HistoryEventView {
  EventType: string;
  Timestamp: string;
  [key: string]: unknown;
}

/** An orchestration instance's status, as the extension's `GET instances/{id}` returns it. */
export interface InstanceStatus {
  instanceId: string;
  name: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  history?: HistoryEventView[];
}

/** Filters for listing instances (a subset of the extension's query API). */
export interface InstanceQuery {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: string;
  createdTimeTo?: string;
  instanceIdPrefix?: string;
  top?: number;
  continuationToken?: string;
  showInput?: boolean;
}

/** A page of instances. */
export interface InstancePage {
  instances: InstanceStatus[];
  continuationToken?: string;
}

/** An entity's identity, `@name@key` in the extension's notation. */
export interface EntityRef {
  name: string;
  key: string;
}

/** What the local engine offers to the hosts around it. */
export interface OrchestrationEngine {
  /** Starts an orchestration; rejects with `InstanceExistsError` if a live instance has that id, unless overridableExistingInstanceStates is AnyState. */
  startNew(name: string, options?: { instanceId?: string; input?: unknown }): Promise<string>;
  /** The instance's status, or undefined when unknown. */
  getStatus(instanceId: string, options?: { showHistory?: boolean; showHistoryOutput?: boolean; showInput?: boolean }): Promise<InstanceStatus | undefined>;
  /** Lists instances, newest first. */
  listInstances(query?: InstanceQuery): Promise<InstancePage>;
  /** Delivers an external event; rejects with `InstanceNotFoundError` for unknown ids. */
  raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void>;
  /** Terminates a running instance; a finished one is left as it is. */
  terminate(instanceId: string, reason?: string): Promise<void>;
  /** Deletes an instance's state and history; resolves false if there was none. */
  purge(instanceId: string): Promise<boolean>;
  /** Sends a one-way operation to an entity. */
  signalEntity(entity: EntityRef, operationName: string, input?: unknown): Promise<void>;
  /** Reads an entity's state. */
  readEntityState(entity: EntityRef): Promise<{ exists: boolean; state?: unknown }>;
  /** Resolves when no orchestration episode, activity or entity operation is queued or running. */
  idle(): Promise<void>;
  /** Stops taking work and waits for in-flight work to be journaled. */
  stop(): Promise<void>;
}

/**
 * host.json's `extensions.durableTask.overridableExistingInstanceStates`: which existing instances a
 * start with the same id may replace. The extension (Azure/azure-functions-durable-extension,
 * src/WebJobs.Extensions.DurableTask/OverridableStates.cs, `ToDedupeStatuses`) turns
 * `NonRunningStates` into the statuses a start must not override (Running, ContinuedAsNew, Pending,
 * Suspended: the start fails with OrchestrationAlreadyExistsException) and `AnyState` into none, so
 * a start replaces even a running instance with a new execution. Options/DurableTaskOptions.cs
 * defaults it to `NonRunningStates`.
 */
export type OverridableStates = "NonRunningStates" | "AnyState";

/** The default of the Durable extension 3.x (DurableTaskOptions.OverridableExistingInstanceStates). */
export const DEFAULT_OVERRIDABLE_STATES: OverridableStates = "NonRunningStates";

/** Raised when starting an instance whose id is already in use by a live instance. */
export class InstanceExistsError extends Error {
  constructor(readonly instanceId: string) {
    super(`An orchestration with instance id '${instanceId}' already exists and is not finished.`);
    this.name = "InstanceExistsError";
  }
}

/** Raised for operations on an instance id the engine does not know. */
export class InstanceNotFoundError extends Error {
  constructor(readonly instanceId: string) {
    super(`No orchestration instance with id '${instanceId}'.`);
    this.name = "InstanceNotFoundError";
  }
}

/** Raised when raising an event to an instance that has already finished (the extension answers 410 Gone). */
export class InstanceNotRunningError extends Error {
  constructor(
    readonly instanceId: string,
    readonly runtimeStatus: RuntimeStatus,
  ) {
    super(`The orchestration instance '${instanceId}' is not running (status ${runtimeStatus}).`);
    this.name = "InstanceNotRunningError";
  }
}
