/**
 * Sends one notification over HTTP: Teams and the generic webhook with `fetch`, Slack with the
 * official `@slack/webhook` client. One attempt per call; the notify orchestration decides about the
 * next one. Redirects are refused (a webhook URL that redirects elsewhere is not followed), each
 * request has a timeout, and no error text ever carries the URL or the secret: errors are built from
 * the status, the service's own error text (scrubbed) and the network error's code.
 */
import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError, type FetchFunction } from "@slack/webhook";
import type { NotificationChannel } from "../domain/notification.js";
import type { SlackMessage } from "../notifiers/slackMessage.js";
import { isRetryableAnswer, retryAfterSeconds } from "../policies/notificationRetry.js";

/** How one attempt went. */
export interface DeliveryAnswer {
  delivered: boolean;
  /** The HTTP status, when there was an answer. */
  statusCode?: number;
  /** The answer's Retry-After, in seconds. */
  retryAfterSeconds?: number;
  /** Whether sending again may succeed. */
  retryable: boolean;
  /** Why it failed, safe to record and show. */
  error?: string;
}

/** Milliseconds an attempt may take before it counts as failed. */
export const SEND_TIMEOUT_MS = 10_000;

/** Longest service error text kept. */
const MAX_ERROR_TEXT = 200;

/** `text` with every occurrence of the secrets replaced, cut short, on one line. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("***");
  // A URL inside an answer may be the webhook's own, or another one; neither belongs in a record.
  out = out.replace(/https?:\/\/\S+/g, "<url>");
  out = out.replace(/\s+/g, " ").trim();
  return out.length > MAX_ERROR_TEXT ? `${out.slice(0, MAX_ERROR_TEXT - 1)}…` : out;
}

/** A network failure described by its code (never by a message that may quote the address). */
export function networkError(error: unknown): string {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    if ("code" in current && typeof current.code === "string" && !current.code.startsWith("slack_")) codes.push(current.code);
    if ("name" in current && current.name === "TimeoutError") codes.push("timeout");
    current = "cause" in current ? current.cause : "original" in current ? current.original : undefined;
  }
  const code = codes[0];
  if (code === "timeout" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "ABORT_ERR") return `no answer within ${SEND_TIMEOUT_MS / 1000} s`;
  return code !== undefined ? `could not reach the receiver (${code})` : "could not reach the receiver";
}

function answerOf(channel: NotificationChannel, status: number, body: string, retryAfter: string | null, secrets: readonly string[]): DeliveryAnswer {
  const ok = channel === "teams" ? status === 200 || status === 202 : status >= 200 && status < 300;
  if (ok) return { delivered: true, statusCode: status, retryable: false };
  const after = retryAfterSeconds(retryAfter, Date.now());
  const text = scrub(body, secrets);
  return {
    delivered: false,
    statusCode: status,
    ...(after !== undefined ? { retryAfterSeconds: after } : {}),
    retryable: isRetryableAnswer(channel, status, body),
    error: `HTTP ${status}${text !== "" ? `: ${text}` : ""}`,
  };
}

/** POSTs JSON to a Teams Workflows URL or a generic webhook; 200/202 (Teams) or 2xx (webhook) is delivered. */
export async function postJson(channel: "teams" | "webhook", url: string, body: string, headers: Record<string, string>, secrets: readonly string[]): Promise<DeliveryAnswer> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "aca-rollout", ...headers },
      body,
      redirect: "error",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const text = await response.text();
    return answerOf(channel, response.status, text, response.headers.get("retry-after"), secrets);
  } catch (error) {
    return { delivered: false, retryable: true, error: networkError(error) };
  }
}

/**
 * Sends a Slack message with `@slack/webhook`. The client reports an HTTP error without its headers,
 * so the `fetch` it is given keeps the last answer's Retry-After.
 */
export async function postSlack(url: string, message: SlackMessage): Promise<DeliveryAnswer> {
  let retryAfter: string | null = null;
  const fetchKeepingHeaders: FetchFunction = async (target, init) => {
    const response = await fetch(target, init);
    retryAfter = response.headers.get("retry-after");
    return response;
  };
  const webhook = new IncomingWebhook(url, { fetch: fetchKeepingHeaders, timeout: SEND_TIMEOUT_MS, retryConfig: { retries: 0 } });
  try {
    // The blocks were checked against Block Kit's limits by the builder; the client sends them as JSON.
    await webhook.send({ text: message.text, blocks: message.blocks });
    return { delivered: true, statusCode: 200, retryable: false };
  } catch (error) {
    if (error instanceof IncomingWebhookHTTPError) return answerOf("slack", error.statusCode, error.body, retryAfter, [url]);
    if (error instanceof IncomingWebhookRequestError) return { delivered: false, retryable: true, error: networkError(error.original) };
    return { delivered: false, retryable: true, error: networkError(error) };
  }
}
