/**
 * Runs one orchestrator replay the way the Durable extension does: the trigger input is the JSON
 * binding the extension sends (full history, input, instance id, schema version, timer limits) and the
 * result is the orchestrator state durable-functions returns, read back through JSON.
 */
import type { RpcTypedData } from "../worker/coreTypes.js";
import { stringData } from "../worker/typedData.js";
import type { HistoryEvent } from "./history.js";
import { fromJsonText, jsonRoundTrip } from "./json.js";
import { formatTimeSpan } from "./timeSpan.js";
import { parseOrchestratorState, type WireOrchestratorState } from "./wireActions.js";

/**
 * The replay schema the engine advertises: durable-functions 3.5's newest (`ReplaySchema.V4` = 3), which
 * enables long-timer slicing (V3) and entity critical sections (`context.df.lock`, V4).
 */
export const ADVERTISED_SCHEMA_VERSION = 3;

/** Legacy `upperSchemaVersion` field (V2), which the extension still sends next to `upperSchemaVersionNew`. */
const LEGACY_UPPER_SCHEMA_VERSION = 1;

/** Timer limits of the Azure Storage provider, which the extension passes to the worker. */
export interface TimerLimits {
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
}

/** Azure Storage's limits: timers up to 6 days, longer ones sliced into 3-day timers. */
export const AZURE_STORAGE_TIMER_LIMITS: TimerLimits = { maximumShortTimerMs: 6 * 86_400_000, longRunningTimerIntervalMs: 3 * 86_400_000 };

/** The extension's default `defaultHttpAsyncRequestSleepTimeMillseconds`. */
const DEFAULT_HTTP_ASYNC_SLEEP_MS = 30_000;

/** `OrchestrationFailureError` appends the orchestrator state after this label. */
const OUT_OF_PROC_DATA_LABEL = "\n\n$OutOfProcData$:";

/** What one replay needs. */
export interface OrchestratorBindingFields {
  instanceId: string;
  parentInstanceId: string | undefined;
  /** Events from earlier episodes (marked IsPlayed). */
  pastEvents: readonly HistoryEvent[];
  /** This episode's new events. */
  newEvents: readonly HistoryEvent[];
  /** JSON text of the execution's input. */
  input: string | undefined;
  timerLimits: TimerLimits;
}

/** The `orchestrationTrigger` binding object, as `OrchestrationTriggerAttributeBindingProvider` builds it. */
export function buildOrchestrationBinding(fields: OrchestratorBindingFields): Record<string, unknown> {
  const history = [...fields.pastEvents.map((e) => ({ ...e, IsPlayed: true })), ...fields.newEvents.map((e) => ({ ...e, IsPlayed: false }))];
  // A fresh JSON copy: durable-functions rewrites Timestamp fields into Dates in place.
  return jsonRoundTrip({
    history,
    input: fromJsonText(fields.input) ?? null,
    instanceId: fields.instanceId,
    isReplaying: fields.pastEvents.length > 0,
    parentInstanceId: fields.parentInstanceId ?? null,
    upperSchemaVersion: LEGACY_UPPER_SCHEMA_VERSION,
    upperSchemaVersionNew: ADVERTISED_SCHEMA_VERSION,
    longRunningTimerIntervalDuration: formatTimeSpan(fields.timerLimits.longRunningTimerIntervalMs),
    maximumShortTimerDuration: formatTimeSpan(fields.timerLimits.maximumShortTimerMs),
    defaultHttpAsyncRequestSleepTimeMillseconds: DEFAULT_HTTP_ASYNC_SLEEP_MS,
  }) as Record<string, unknown>;
}

/** The orchestrator's reply; `stateMissing` when it failed without reporting its state. */
export type OrchestratorReply = WireOrchestratorState & { stateMissing?: boolean };

/**
 * Invokes the orchestrator handler and returns its state. An orchestrator that threw reports its state
 * inside the error message (as the extension extracts it from the worker's RpcException).
 */
export async function invokeOrchestrator(invoke: (trigger: RpcTypedData) => Promise<unknown>, binding: Record<string, unknown>): Promise<OrchestratorReply> {
  let returned: unknown;
  try {
    // The extension sends the orchestration context as JSON text.
    returned = await invoke(stringData(JSON.stringify(binding)));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = message.indexOf(OUT_OF_PROC_DATA_LABEL);
    if (at < 0) return { isDone: false, actions: [], error: message, stateMissing: true };
    const state = parseOrchestratorState(JSON.parse(message.slice(at + OUT_OF_PROC_DATA_LABEL.length)) as unknown);
    return { ...state, error: state.error ?? message.slice(0, at) };
  }
  return parseOrchestratorState(jsonRoundTrip(returned));
}
