/**
 * `deliverNotification`: one attempt to send one deploy event to one channel. The URL (and, for the
 * generic webhook, the signing secret) is read here, from the app setting the channel names, and
 * nowhere else: it never enters the orchestration's input, history, status or any error text.
 * Every failure is an answer (`retryable` or not); the notify orchestration decides about retries.
 */
import { buildSlackMessage } from "../notifiers/slackMessage.js";
import { buildTeamsMessage } from "../notifiers/teamsCard.js";
import { buildWebhookEvent, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeaderValue } from "../notifiers/webhookEvent.js";
import type { DeliverNotificationInput, DeliverNotificationOutput } from "./contracts.js";
import { postJson, postSlack } from "./notificationTransport.js";

/** Why a setting's value cannot be a webhook URL, or undefined when it can. */
function urlProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? undefined : "is not an http(s) URL";
  } catch {
    return "is not a URL";
  }
}

/** Sends `input.notice` to `input.channel` once; `now` gives the signature's timestamp (wall clock). */
export async function deliverNotification(input: DeliverNotificationInput, env: NodeJS.ProcessEnv = process.env, now: () => number = Date.now): Promise<DeliverNotificationOutput> {
  const { channel, notice } = input;
  const url = env[channel.urlSetting];
  if (url === undefined || url === "") return { delivered: false, retryable: false, error: `app setting ${channel.urlSetting} is not set` };
  const problem = urlProblem(url);
  if (problem !== undefined) return { delivered: false, retryable: false, error: `app setting ${channel.urlSetting} ${problem}` };
  switch (channel.channel) {
    case "teams":
      return postJson("teams", url, JSON.stringify(buildTeamsMessage(notice)), {}, [url]);
    case "slack":
      return postSlack(url, buildSlackMessage(notice));
    case "webhook": {
      const secretSetting = channel.secretSetting;
      const secret = secretSetting !== undefined ? env[secretSetting] : undefined;
      if (secretSetting === undefined || secret === undefined || secret === "") {
        return { delivered: false, retryable: false, error: `app setting ${secretSetting ?? "(secretSetting)"} is not set: events are never sent unsigned` };
      }
      const event = buildWebhookEvent(notice);
      const body = JSON.stringify(event);
      const timestamp = Math.floor(now() / 1000);
      return postJson("webhook", url, body, { [SIGNATURE_HEADER]: signatureHeaderValue(secret, timestamp, body), [EVENT_HEADER]: event.event, [DELIVERY_HEADER]: event.id }, [url, secret]);
    }
  }
}

/** The function the host invokes for `deliverNotification` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function deliverNotificationActivity(input: DeliverNotificationInput) {
  return deliverNotification(input);
}
