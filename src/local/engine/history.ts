/**
 * Orchestration history events in the shape the Durable extension hands to out-of-process workers
 * (DurableTask.Core `HistoryEvent` serialised by Json.NET): PascalCase fields, numeric `EventType`,
 * ISO timestamps, payloads as JSON text. durable-functions' replay reads exactly these fields.
 */

/** DurableTask.Core `EventType` numbers. */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

/** One of the {@link EventType} numbers. */
export type EventTypeNumber = (typeof EventType)[keyof typeof EventType];

/** The name of an event type number, e.g. `TaskScheduled`. */
export function eventTypeName(type: number): string {
  for (const [name, value] of Object.entries(EventType)) if (value === type) return name;
  return `Unknown(${type})`;
}

/** DurableTask.Core `OrchestrationStatus` numbers, as `ExecutionCompleted.OrchestrationStatus` carries them. */
export const OrchestrationStatusNumber = {
  Running: 0,
  Completed: 1,
  ContinuedAsNew: 2,
  Failed: 3,
  Canceled: 4,
  Terminated: 5,
  Pending: 6,
  Suspended: 7,
} as const;

/** `FailureDetails` as DurableTask.Core serialises it (the durable-functions 3.5 wire DTO). */
export interface FailureDetailsWire {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
  IsNonRetriable?: boolean;
  Properties?: Record<string, unknown>;
  InnerFailure?: FailureDetailsWire;
}

/** Identity of an orchestration execution. */
export interface OrchestrationInstanceRef {
  InstanceId: string;
  ExecutionId: string;
}

/** A history event; which optional fields are present depends on `EventType`. */
export interface HistoryEvent {
  EventType: EventTypeNumber;
  /** The task/timer/event id for scheduling events; -1 for everything else. */
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Version?: string;
  /** JSON text. */
  Input?: string;
  /** JSON text. */
  Result?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetailsWire | null;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  OrchestrationStatus?: number;
  OrchestrationInstance?: OrchestrationInstanceRef;
  ParentInstance?: { Name: string; OrchestrationInstance: OrchestrationInstanceRef; TaskScheduleId: number } | null;
}

function base(type: EventTypeNumber, timestamp: number, eventId = -1): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: new Date(timestamp).toISOString() };
}

/** Builders for each event kind, so field names live in one place. */
export const HistoryEvents = {
  orchestratorStarted: (at: number): HistoryEvent => base(EventType.OrchestratorStarted, at),
  orchestratorCompleted: (at: number): HistoryEvent => base(EventType.OrchestratorCompleted, at),
  executionStarted: (at: number, fields: { name: string; input: string | undefined; instance: OrchestrationInstanceRef; parent?: HistoryEvent["ParentInstance"] }): HistoryEvent => ({
    ...base(EventType.ExecutionStarted, at),
    Name: fields.name,
    Version: "",
    Input: fields.input,
    OrchestrationInstance: fields.instance,
    ParentInstance: fields.parent ?? null,
  }),
  executionCompleted: (at: number, status: number, result: string | undefined, failureDetails?: FailureDetailsWire): HistoryEvent => ({
    ...base(EventType.ExecutionCompleted, at),
    OrchestrationStatus: status,
    Result: result,
    FailureDetails: failureDetails ?? null,
  }),
  executionTerminated: (at: number, input: string | undefined): HistoryEvent => ({ ...base(EventType.ExecutionTerminated, at), Input: input }),
  taskScheduled: (at: number, id: number, name: string, input: string | undefined): HistoryEvent => ({ ...base(EventType.TaskScheduled, at, id), Name: name, Version: "", Input: input }),
  taskCompleted: (at: number, taskScheduledId: number, result: string): HistoryEvent => ({ ...base(EventType.TaskCompleted, at), TaskScheduledId: taskScheduledId, Result: result }),
  taskFailed: (at: number, taskScheduledId: number, reason: string, details: string, failureDetails?: FailureDetailsWire): HistoryEvent => ({
    ...base(EventType.TaskFailed, at),
    TaskScheduledId: taskScheduledId,
    Reason: reason,
    Details: details,
    FailureDetails: failureDetails ?? null,
  }),
  timerCreated: (at: number, id: number, fireAt: number): HistoryEvent => ({ ...base(EventType.TimerCreated, at, id), FireAt: new Date(fireAt).toISOString() }),
  timerFired: (at: number, timerId: number, fireAt: string): HistoryEvent => ({ ...base(EventType.TimerFired, at), TimerId: timerId, FireAt: fireAt }),
  subOrchestrationCreated: (at: number, id: number, name: string, instanceId: string, input: string | undefined): HistoryEvent => ({
    ...base(EventType.SubOrchestrationInstanceCreated, at, id),
    Name: name,
    Version: "",
    InstanceId: instanceId,
    Input: input,
  }),
  subOrchestrationCompleted: (at: number, taskScheduledId: number, result: string): HistoryEvent => ({
    ...base(EventType.SubOrchestrationInstanceCompleted, at),
    TaskScheduledId: taskScheduledId,
    Result: result,
  }),
  subOrchestrationFailed: (at: number, taskScheduledId: number, reason: string, details: string, failureDetails?: FailureDetailsWire): HistoryEvent => ({
    ...base(EventType.SubOrchestrationInstanceFailed, at),
    TaskScheduledId: taskScheduledId,
    Reason: reason,
    Details: details,
    FailureDetails: failureDetails ?? null,
  }),
  eventSent: (at: number, id: number, instanceId: string, name: string, input: string | undefined): HistoryEvent => ({
    ...base(EventType.EventSent, at, id),
    InstanceId: instanceId,
    Name: name,
    Input: input,
  }),
  eventRaised: (at: number, name: string, input: string | undefined): HistoryEvent => ({ ...base(EventType.EventRaised, at), Name: name, Input: input }),
};
