/**
 * The orchestrator state durable-functions returns to the extension after each replay, as JSON: the
 * actions the orchestrator has yielded so far (action type numbers as in `ActionType`), whether it is
 * done, its output, error and custom status.
 */
import { asRecord } from "./json.js";
import type { FailureDetailsWire } from "./history.js";

/** durable-functions `ActionType` numbers. */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  ScheduledSignalEntity: 10,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** The name of an action type number. */
export function actionTypeName(type: number): string {
  for (const [name, value] of Object.entries(ActionType)) if (value === type) return name;
  return String(type);
}

/** One action as it arrives over the wire; which fields are set depends on `actionType`. */
export interface WireAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: unknown;
  instanceId?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  operation?: string;
  compoundActions?: WireAction[];
  lockSet?: Array<{ name: string; key: string }>;
  lockRequestId?: string;
}

/** The orchestrator's reply for one episode. */
export interface WireOrchestratorState {
  isDone: boolean;
  actions: WireAction[];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
  failureDetails?: FailureDetailsWire;
}

function toAction(value: unknown): WireAction {
  const record = asRecord(value);
  if (!record || typeof record.actionType !== "number") throw new Error(`The orchestrator returned an action without a numeric actionType: ${JSON.stringify(value)}`);
  const compound = record.compoundActions;
  if (compound !== undefined && !Array.isArray(compound)) throw new Error("The orchestrator returned compoundActions that are not an array.");
  return { ...(record as unknown as WireAction), compoundActions: compound?.map(toAction) };
}

/** Validates the (JSON round-tripped) orchestrator state; actions come as one list (replay schema V2+). */
export function parseOrchestratorState(value: unknown): WireOrchestratorState {
  const record = asRecord(value);
  if (!record) throw new Error("The orchestrator function did not return an orchestrator state object.");
  const outer = record.actions;
  if (!Array.isArray(outer)) throw new Error("The orchestrator state has no actions array.");
  // Schema V2+ nests the single action list in a one-element outer array.
  if (outer.length > 1) throw new Error(`Expected actions array to be of length 1 in outer layer but got size: ${outer.length}`);
  const inner: unknown = outer[0] ?? [];
  if (!Array.isArray(inner)) throw new Error("The orchestrator state's action list is not an array.");
  const failure = asRecord(record.failureDetails);
  return {
    isDone: record.isDone === true,
    actions: inner.map(toAction),
    output: record.output,
    error: typeof record.error === "string" ? record.error : undefined,
    customStatus: record.customStatus,
    schemaVersion: typeof record.schemaVersion === "number" ? record.schemaVersion : undefined,
    failureDetails: failure && typeof failure.ErrorType === "string" ? (failure as unknown as FailureDetailsWire) : undefined,
  };
}
