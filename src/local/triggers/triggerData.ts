/**
 * The RPC trigger data the host sends for the push triggers the local runtime runs: the timer's
 * TimerInfo and an Event Grid event as `json` typed data, with the trigger metadata the host adds (the
 * Event Grid binding contract's `data`, and `sys` with the method name, UTC time and a random GUID
 * that every trigger's binding data carries).
 */
import { randomUUID } from "node:crypto";
import type { RpcTypedData } from "../worker/coreTypes.js";
import { jsonData } from "../worker/typedData.js";

/** Trigger value and metadata for one invocation. */
export interface TriggerInvocation {
  trigger: RpcTypedData;
  triggerMetadata: Record<string, RpcTypedData>;
}

function sys(functionName: string, now: number): RpcTypedData {
  return jsonData({ MethodName: functionName, UtcNow: new Date(now).toISOString(), RandGuid: randomUUID() });
}

/** A timer invocation: TimerInfo as the host serialises it (the library camel-cases it). */
export function timerInvocation(functionName: string, timerInfo: unknown, now: number): TriggerInvocation {
  return { trigger: jsonData(timerInfo), triggerMetadata: { sys: sys(functionName, now) } };
}

/** An Event Grid invocation: one event, its `data` also in the binding data. */
export function eventGridInvocation(functionName: string, event: unknown, now: number): TriggerInvocation {
  const data: unknown = typeof event === "object" && event !== null ? (event as { data?: unknown }).data : undefined;
  return { trigger: jsonData(event), triggerMetadata: { data: jsonData(data ?? null), sys: sys(functionName, now) } };
}
