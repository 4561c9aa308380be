/**
 * Instance status and history in the shape of the extension's status API (`GET instances/{id}`):
 * payloads parsed from JSON text, times as ISO strings, history events named by type, completion
 * events annotated with the function name and scheduled time, bookkeeping events left out.
 */
import type { HistoryEventView, InstanceStatus } from "./api.js";
import { EventType, eventTypeName, type HistoryEvent } from "./history.js";
import { fromJsonText } from "./json.js";
import type { InstanceState } from "./store.js";

// The extension leaves these out of showHistory; completion events carry their details instead.
const HIDDEN = new Set<number>([EventType.OrchestratorStarted, EventType.OrchestratorCompleted, EventType.TaskScheduled, EventType.SubOrchestrationInstanceCreated]);

/** The status view of `instance`. */
export function toInstanceStatus(instance: InstanceState, options: { showHistory?: boolean; showHistoryOutput?: boolean; showInput?: boolean } = {}): InstanceStatus {
  const status: InstanceStatus = {
    instanceId: instance.instanceId,
    name: instance.name,
    runtimeStatus: instance.runtimeStatus,
    input: options.showInput === false ? null : (fromJsonText(instance.input) ?? null),
    output: fromJsonText(instance.output) ?? null,
    customStatus: fromJsonText(instance.customStatus) ?? null,
    createdTime: new Date(instance.createdTime).toISOString(),
    lastUpdatedTime: new Date(instance.lastUpdatedTime).toISOString(),
  };
  if (options.showHistory) status.history = historyView(instance.history, options.showHistoryOutput === true);
  return status;
}

/** The extension's history view of `history`. */
export function historyView(history: readonly HistoryEvent[], showOutput: boolean): HistoryEventView[] {
  const scheduled = new Map<number, HistoryEvent>();
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled || event.EventType === EventType.SubOrchestrationInstanceCreated) scheduled.set(event.EventId, event);
  }
  const view: HistoryEventView[] = [];
  for (const event of history) {
    if (HIDDEN.has(event.EventType)) continue;
    const item: HistoryEventView = { EventType: eventTypeName(event.EventType), Timestamp: event.Timestamp };
    const origin = event.TaskScheduledId === undefined ? undefined : scheduled.get(event.TaskScheduledId);
    if (origin) {
      item.FunctionName = origin.Name;
      item.ScheduledTime = origin.Timestamp;
    }
    if (event.EventType === EventType.ExecutionStarted) item.FunctionName = event.Name;
    if (event.Name !== undefined && item.FunctionName === undefined) item.Name = event.Name;
    if (event.FireAt !== undefined) item.FireAt = event.FireAt;
    if (event.TimerId !== undefined) item.TimerId = event.TimerId;
    if (event.EventType === EventType.TimerCreated) item.TimerId = event.EventId;
    if (event.InstanceId !== undefined) item.InstanceId = event.InstanceId;
    if (event.OrchestrationStatus !== undefined) item.OrchestrationStatus = event.OrchestrationStatus;
    if (event.Reason !== undefined) item.Reason = event.Reason;
    if (event.Details !== undefined) item.Details = event.Details;
    if (showOutput) {
      if (event.Input !== undefined) item.Input = fromJsonText(event.Input);
      if (event.Result !== undefined) item.Result = fromJsonText(event.Result);
    }
    view.push(item);
  }
  return view;
}
