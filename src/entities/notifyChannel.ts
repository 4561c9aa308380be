/**
 * The `notifyChannel` entity: the send pace of one channel URL (keyed by channel kind and the app
 * setting naming the URL, never the URL), shared by every deploy. Teams throttles above 4 requests a
 * second and Slack takes about one message a second per webhook, so each send reserves a slot: the
 * earliest time at or after the request that is one interval after the previous slot. A 429's
 * Retry-After holds the channel for everyone until then.
 */
import * as df from "durable-functions";
import type { EntityContext } from "durable-functions";
import { ENTITIES } from "./names.js";

/** The pace of one channel. */
export interface ChannelPace {
  /** Epoch ms before which no send may go out. */
  nextFreeAt: number;
}

/** The operations and their inputs. */
export interface ChannelOperations {
  /** Reserve a send slot at or after `at` (ISO), `intervalMs` before the next one. Answers {@link SendSlot}. */
  reserve: { at: string; intervalMs: number };
  /** Hold every send until `until` (ISO): the service asked to wait (Retry-After). */
  holdUntil: { until: string };
}

/** `reserve`'s answer: when the reserved send may go out (ISO). */
export interface SendSlot {
  sendAt: string;
}

/** The entity key of a channel: kind and setting name (an app setting name has no `.`). */
export function channelKey(channel: string, urlSetting: string): string {
  return `${channel}.${urlSetting}`;
}

const timeOf = (value: unknown, key: string): number | undefined => {
  if (typeof value !== "object" || value === null || !(key in value)) return undefined;
  const field: unknown = (value as Record<string, unknown>)[key];
  const ms = typeof field === "string" ? Date.parse(field) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
};

/** Applies one operation; pure, so the entity's behaviour is tested without a host. */
export function applyChannelOperation(pace: ChannelPace, operation: string, input: unknown): { pace: ChannelPace; result?: SendSlot } {
  switch (operation) {
    case "reserve": {
      const at = timeOf(input, "at") ?? pace.nextFreeAt;
      const interval = typeof input === "object" && input !== null && "intervalMs" in input && typeof input.intervalMs === "number" ? Math.max(0, input.intervalMs) : 0;
      const sendAt = Math.max(at, pace.nextFreeAt);
      return { pace: { nextFreeAt: sendAt + interval }, result: { sendAt: new Date(sendAt).toISOString() } };
    }
    case "holdUntil": {
      const until = timeOf(input, "until");
      return { pace: until !== undefined ? { nextFreeAt: Math.max(pace.nextFreeAt, until) } : pace };
    }
    default:
      return { pace };
  }
}

/** Entity handler. */
export function notifyChannelEntity(context: EntityContext<ChannelPace>): void {
  const current = context.df.getState(() => ({ nextFreeAt: 0 })) ?? { nextFreeAt: 0 };
  const { pace, result } = applyChannelOperation(current, context.df.operationName ?? "", context.df.getInput());
  context.df.setState(pace);
  if (result !== undefined) context.df.return(result);
}

df.app.entity(ENTITIES.notifyChannel, notifyChannelEntity);
