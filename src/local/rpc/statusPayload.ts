/**
 * Instance status in the shape the Durable extension's HTTP API returns (`StatusResponsePayload`):
 * second-precision UTC timestamps, `null` rather than missing input/output (the JS client rejects
 * a status without them), and history under `historyEvents`.
 */
import type { HistoryEventView, InstanceStatus, RuntimeStatus } from "../engine/api.js";

/** The JSON body of `GET instances/{id}` and of each element of `GET instances/`. */
export interface StatusResponsePayload {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  /**
   * Present only with `showHistory=true`. The extension names it `historyEvents`; durable-functions'
   * `DurableOrchestrationStatus` reads `history` and so drops it (azure-functions-durable-js#620) —
   * kept as in Azure so code that relies on it fails here too rather than only in production.
   */
  historyEvents?: HistoryEventView[];
}

/** Formats an ISO timestamp the way .NET's `ToString("s") + "Z"` does: `2026-01-01T00:00:00Z`. */
export function toSecondsTimestamp(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

/** Converts an engine status into the extension's payload. */
export function toStatusPayload(status: InstanceStatus, showInput = true): StatusResponsePayload {
  const payload: StatusResponsePayload = {
    name: status.name,
    instanceId: status.instanceId,
    runtimeStatus: status.runtimeStatus,
    input: showInput ? (status.input ?? null) : null,
    customStatus: status.customStatus ?? null,
    output: status.output ?? null,
    createdTime: toSecondsTimestamp(status.createdTime),
    lastUpdatedTime: toSecondsTimestamp(status.lastUpdatedTime),
  };
  if (status.history) payload.historyEvents = status.history;
  return payload;
}

/** Whether an instance has finished (the extension's `IsCompletedStatus`). */
export function isTerminalStatus(status: RuntimeStatus): boolean {
  return status === "Completed" || status === "Failed" || status === "Terminated" || status === "Canceled";
}
