/**
 * The `notifyDeploy` orchestration: delivers one event of one deploy to every channel that wants it,
 * started by the deploy (`startNotifications`) once the event has happened, so the deploy's outcome
 * never waits for a receiver. Each channel is tried until it is delivered, answers with a permanent
 * error, or runs out of attempts; waits are durable timers that honour the answer's Retry-After, and
 * each send first reserves a slot of its channel's pace (`notifyChannel` entity: Teams 4/s, Slack 1/s).
 * Channels are independent: one that is down does not hold the others back.
 *
 * Its custom status and output are the delivery records the deploy status shows as `notifications`.
 * At-least-once: a crash after a send and before its record makes the send happen again.
 */
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITIES } from "../activities/contracts.js";
import type { ChannelRef, NotificationRecord, NotifyDeployInput } from "../domain/notification.js";
import { channelKey } from "../entities/channelPace.js";
import { ENTITIES } from "../entities/names.js";
import { minSendIntervalMs, retryDelaySeconds } from "../policies/notificationRetry.js";
import { awaitCall, callActivitiesTogether, channelEntityCall, sleep, type Flow } from "./calls.js";

/** One channel's delivery as it goes. */
interface Delivery {
  channel: ChannelRef;
  record: NotificationRecord;
  done: boolean;
  /** Epoch ms of the next attempt. */
  nextAt: number;
  /** A pace slot is reserved for {@link nextAt}: send then without asking again. */
  reserved: boolean;
}

/** The delivery records, in channel order. */
export interface NotifyDeployStatus {
  notifications: NotificationRecord[];
}

/** The orchestrator function. */
export function* notifyDeployOrchestrator(context: OrchestrationContext): Flow<NotifyDeployStatus> {
  const input = context.df.getInput<NotifyDeployInput>();
  const start = context.df.currentUtcDateTime.getTime();
  const deliveries: Delivery[] = input.channels.map((channel) => ({
    channel,
    record: { channel: channel.channel, setting: channel.urlSetting, event: input.notice.event, delivered: false, attempts: 0 },
    done: false,
    nextAt: start,
    reserved: false,
  }));
  const publish = (): NotifyDeployStatus => {
    const status = { notifications: deliveries.map((d) => ({ ...d.record })) };
    context.df.setCustomStatus(status);
    return status;
  };
  publish();

  for (;;) {
    const now = context.df.currentUtcDateTime.getTime();
    const sending: Delivery[] = [];
    for (const delivery of deliveries.filter((d) => !d.done && d.nextAt <= now)) {
      const slot = delivery.reserved ? undefined : yield* reserveSlot(context, delivery.channel, now);
      if (slot !== undefined && slot > now) {
        delivery.nextAt = slot;
        delivery.reserved = true;
        continue;
      }
      delivery.reserved = false;
      sending.push(delivery);
    }
    if (sending.length > 0) {
      const answers = yield* callActivitiesTogether(
        context,
        ACTIVITIES.deliverNotification,
        sending.map((d) => ({ channel: d.channel, notice: input.notice })),
      );
      const sentAt = context.df.currentUtcDateTime.getTime();
      sending.forEach((delivery, index) => {
        const answer = answers[index];
        const record = delivery.record;
        record.attempts += 1;
        if (answer === undefined || "failure" in answer) {
          record.lastError = answer?.failure.code ?? "no answer";
          schedule(context, delivery, sentAt, true, undefined);
        } else if (answer.delivered) {
          delete record.lastError;
          record.delivered = true;
          record.deliveredAt = new Date(sentAt).toISOString();
          delivery.done = true;
        } else {
          record.lastError = answer.error ?? "not delivered";
          schedule(context, delivery, sentAt, answer.retryable, answer.retryAfterSeconds);
        }
      });
      publish();
    }
    const waiting = deliveries.filter((d) => !d.done);
    if (waiting.length === 0) return publish();
    const wake = Math.min(...waiting.map((d) => d.nextAt));
    if (wake > context.df.currentUtcDateTime.getTime()) yield* sleep(context, new Date(wake));
  }
}

/** Sets the next attempt after a failed one, or ends the delivery; a Retry-After holds the channel for every deploy. */
function schedule(context: OrchestrationContext, delivery: Delivery, now: number, retryable: boolean, retryAfter: number | undefined): void {
  const delay = retryable ? retryDelaySeconds(delivery.record.attempts, retryAfter) : undefined;
  if (delay === undefined) {
    delivery.done = true;
    return;
  }
  delivery.nextAt = now + delay * 1000;
  if (retryAfter !== undefined) {
    context.df.signalEntity(channelEntity(delivery.channel), "holdUntil", { until: new Date(delivery.nextAt).toISOString() });
  }
}

function channelEntity(channel: ChannelRef): df.EntityId {
  return new df.EntityId(ENTITIES.notifyChannel, channelKey(channel.channel, channel.urlSetting));
}

/** The channel's next free send slot (epoch ms), reserved; undefined when the channel needs no pacing or the pace is unavailable. */
function* reserveSlot(context: OrchestrationContext, channel: ChannelRef, now: number): Flow<number | undefined> {
  const intervalMs = minSendIntervalMs(channel.channel);
  const answer = yield* awaitCall(channelEntityCall(context, channelEntity(channel), "reserve", { at: new Date(now).toISOString(), intervalMs }));
  // Without an answer the send goes ahead: pacing protects the receiver, it must not stop the message.
  if ("failure" in answer) return undefined;
  const at = Date.parse(answer.sendAt);
  return Number.isNaN(at) ? undefined : at;
}
