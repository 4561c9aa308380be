/**
 * The `notifyChannel` entity: the send pace of one channel URL (keyed by channel kind and the app
 * setting naming the URL, never the URL), shared by every deploy. Teams throttles above 4 requests a
 * second and Slack takes about one message a second per webhook, so each send reserves a slot: the
 * earliest time at or after the request that is one interval after the previous slot. A 429's
 * Retry-After holds the channel for everyone until then.
 */
import type { EntityContext } from "durable-functions";
import { applyChannelOperation, type ChannelPace } from "./channelPace.js";

/** Entity handler. */
export function notifyChannelEntity(context: EntityContext<ChannelPace>): void {
  const current = context.df.getState(() => ({ nextFreeAt: 0 })) ?? { nextFreeAt: 0 };
  const { pace, result } = applyChannelOperation(current, context.df.operationName ?? "", context.df.getInput());
  context.df.setState(pace);
  if (result !== undefined) context.df.return(result);
}
