/**
 * When to send a notification again, and how fast each service may be called. Pure: the notify
 * orchestration asks, then waits on a durable timer.
 *
 * - Teams Workflows webhooks throttle above 4 requests per second (Microsoft Learn, "Rate limiting for
 *   connectors"/Workflows: "4 requests per second"), so sends to one Teams URL are 250 ms apart.
 * - Slack incoming webhooks allow about one message per second per webhook and answer 429 with
 *   Retry-After beyond it (https://docs.slack.dev/apis/web-api/rate-limits), so 1 s apart.
 * - A Retry-After is honoured exactly (up to {@link MAX_RETRY_AFTER_SECONDS}); otherwise the wait doubles.
 * - Slack's error texts that name a configuration problem are permanent: sending again cannot help.
 */
import type { NotificationChannel } from "../domain/notification.js";

/** Attempts per channel and event, the first included. */
export const NOTIFY_MAX_ATTEMPTS = 5;

/** The first wait without a Retry-After; it doubles per attempt. */
const FIRST_BACKOFF_SECONDS = 2;
const MAX_BACKOFF_SECONDS = 60;
/** A longer Retry-After is not waited for: the message would come too late to matter. */
export const MAX_RETRY_AFTER_SECONDS = 900;

/** Minimum milliseconds between two sends to one channel URL. */
export function minSendIntervalMs(channel: NotificationChannel): number {
  switch (channel) {
    case "teams":
      return 250;
    case "slack":
      return 1_000;
    case "webhook":
      return 0;
  }
}

/**
 * Seconds to wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed, honouring
 * the answer's Retry-After; undefined when no attempt is left or the service asks for too long a wait.
 */
export function retryDelaySeconds(attempt: number, retryAfterSeconds?: number): number | undefined {
  if (attempt >= NOTIFY_MAX_ATTEMPTS) return undefined;
  if (retryAfterSeconds !== undefined) return retryAfterSeconds > MAX_RETRY_AFTER_SECONDS ? undefined : Math.max(1, Math.ceil(retryAfterSeconds));
  return Math.min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** (attempt - 1));
}

/** Slack webhook error texts that say the webhook or the message is wrong, not that Slack is busy. */
export const PERMANENT_SLACK_ERRORS = [
  "invalid_payload",
  "invalid_blocks",
  "invalid_blocks_format",
  "msg_blocks_too_long",
  "no_text",
  "too_many_attachments",
  "user_not_found",
  "channel_not_found",
  "channel_is_archived",
  "action_prohibited",
  "posting_to_general_channel_denied",
  "no_service",
  "no_service_id",
  "no_team",
  "team_disabled",
  "invalid_token",
  "invalid_auth",
] as const;

/** Whether an answer can be worth repeating: 408, 425, 429 and 5xx are; other 4xx and permanent Slack errors are not. */
export function isRetryableAnswer(channel: NotificationChannel, status: number, body: string): boolean {
  if (channel === "slack" && PERMANENT_SLACK_ERRORS.some((code) => body.trim() === code)) return false;
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Reads a Retry-After header (seconds or an HTTP date) as seconds from `nowMs`. */
export function retryAfterSeconds(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined || header.trim() === "") return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds : undefined;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - nowMs) / 1000);
}
