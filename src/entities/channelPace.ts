/**
 * The pace of one notification channel URL (the `notifyChannel` entity's state and operations), pure so
 * it is tested without a host. Each send reserves a slot: the earliest time at or after the request
 * that is one interval after the previous slot; a 429's Retry-After holds the channel until then.
 */
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
