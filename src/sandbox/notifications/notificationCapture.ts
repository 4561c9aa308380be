/**
 * The notification capture receiver: a plain HTTP server on loopback that stands in for a Teams
 * Workflows URL, a Slack incoming webhook and a generic webhook receiver, so `npm start`'s demo
 * targets have somewhere to send and a person can read what was sent
 * (`GET $S/_sandbox/notifications`). Teams and Slack are not Azure, but they are outside services the
 * product calls, which is what the sandbox plays. Plain HTTP because the product sends with Node's
 * `fetch`, which trusts only the system CAs, not the sandbox's generated one.
 *
 * Paths: `/teams/<name>`, `/slack/<name>`, `/webhook/<name>`. Answers, unless scripted: Teams `202`,
 * Slack `200 ok`, webhook `204`. Control (on the sandbox's HTTPS port, no token):
 *
 * GET    /_sandbox/notifications                 200 { "receiver": "http://127.0.0.1:<port>", "notifications": Captured[] } (oldest first, last 200)
 * DELETE /_sandbox/notifications                 204
 * POST   /_sandbox/notifications/answers         201. Body { "channel": "teams"|"slack"|"webhook", "name"?: "...", "status": 500,
 *                                                "body"?: "channel_not_found", "retryAfterSeconds"?: 2, "times"?: 1 }: the next matching
 *                                                requests get that answer (rehearse retries and permanent errors)
 */
import { createServer, type Server } from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Clock } from "../../common/clock.js";
import { closeServer, listenOnLoopback } from "../../common/loopbackServer.js";
import { controlRoute, invalidBody } from "../kernel/control.js";
import { CONTROL_PREFIX } from "../kernel/front.js";
import { armError, type SandboxRoute } from "../kernel/types.js";

/** The channel kinds the receiver plays. */
export const CAPTURE_CHANNELS = ["teams", "slack", "webhook"] as const;
type CaptureChannel = (typeof CAPTURE_CHANNELS)[number];

/** One message as the receiver got it. */
export interface CapturedNotification {
  seq: number;
  /** When it arrived (the sandbox clock). */
  time: string;
  channel: CaptureChannel | "unknown";
  name: string;
  /** The aca-rollout headers of a webhook event. */
  event?: string;
  delivery?: string;
  /** Whether the webhook signature checks out with the secret the receiver was told (`setWebhookSecret`). */
  signatureValid?: boolean;
  /** The answer the receiver gave. */
  answered: number;
  body: unknown;
}

/** A scripted answer. */
interface ScriptedAnswer {
  channel: CaptureChannel;
  name?: string;
  status: number;
  body?: string;
  retryAfterSeconds?: number;
  remaining: number;
}

/** A running capture receiver. */
export interface NotificationCapture {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** The URL a channel named `name` of kind `channel` posts to. */
  urlFor(channel: CaptureChannel, name: string): string;
  list(): CapturedNotification[];
  clear(): void;
  /** Lets the receiver check webhook signatures (the demo's secret). */
  setWebhookSecret(secret: string): void;
  /** Control routes under `/_sandbox/notifications`. */
  controlRoutes(): SandboxRoute[];
  stop(): Promise<void>;
}

const MAX_KEPT = 200;

function defaultAnswer(channel: CaptureChannel | "unknown"): { status: number; body: string } {
  if (channel === "teams") return { status: 202, body: "" };
  if (channel === "slack") return { status: 200, body: "ok" };
  if (channel === "webhook") return { status: 204, body: "" };
  return { status: 404, body: "no such receiver: post to /teams/<name>, /slack/<name> or /webhook/<name>" };
}

function signatureValid(header: string | undefined, body: string, secret: string): boolean {
  const parts = new Map((header ?? "").split(",").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as const));
  const t = parts.get("t");
  const v1 = parts.get("v1");
  if (t === undefined || v1 === undefined) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Starts the receiver on a free loopback port. */
export async function startNotificationCapture(clock: Clock): Promise<NotificationCapture> {
  const captured: CapturedNotification[] = [];
  const answers: ScriptedAnswer[] = [];
  let secret: string | undefined;
  let seq = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const [, kind = "", ...rest] = (request.url ?? "/").split("?")[0]!.split("/");
      const channel = CAPTURE_CHANNELS.find((c) => c === kind) ?? "unknown";
      const name = rest.join("/");
      const scripted = channel === "unknown" ? undefined : answers.find((a) => a.channel === channel && (a.name === undefined || a.name === name) && a.remaining > 0);
      if (scripted) scripted.remaining -= 1;
      const answer = scripted ?? defaultAnswer(channel);
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
      const header = (key: string): string | undefined => {
        const value = request.headers[key];
        return Array.isArray(value) ? value[0] : value;
      };
      const entry: CapturedNotification = { seq: ++seq, time: new Date(clock.now()).toISOString(), channel, name, answered: answer.status, body };
      const event = header("x-aca-rollout-event");
      if (event !== undefined) entry.event = event;
      const delivery = header("x-aca-rollout-delivery");
      if (delivery !== undefined) entry.delivery = delivery;
      if (channel === "webhook" && secret !== undefined) entry.signatureValid = signatureValid(header("x-aca-rollout-signature"), raw, secret);
      captured.push(entry);
      if (captured.length > MAX_KEPT) captured.splice(0, captured.length - MAX_KEPT);
      const headers: Record<string, string> = { "content-type": "text/plain" };
      if (scripted?.retryAfterSeconds !== undefined) headers["retry-after"] = String(scripted.retryAfterSeconds);
      response.writeHead(answer.status, headers);
      response.end(answer.body ?? "");
    });
  });
  const port = await listenOnLoopback(server, 0);
  const origin = `http://127.0.0.1:${port}`;
  const at = (template: string): string => `${CONTROL_PREFIX}/notifications${template}`;
  return {
    origin,
    urlFor: (channel, name) => `${origin}/${channel}/${encodeURIComponent(name)}`,
    list: () => captured.map((entry) => ({ ...entry })),
    clear: () => {
      captured.length = 0;
      answers.length = 0;
    },
    setWebhookSecret: (value) => {
      secret = value;
    },
    controlRoutes: () => [
      controlRoute("GET", at(""), () => ({ status: 200, body: { receiver: origin, notifications: captured } })),
      controlRoute("DELETE", at(""), () => {
        captured.length = 0;
        answers.length = 0;
        return { status: 204 };
      }),
      controlRoute("POST", at("/answers"), (req) => {
        const input = (typeof req.body === "object" && req.body !== null ? req.body : {}) as Record<string, unknown>;
        const channel = CAPTURE_CHANNELS.find((c) => c === input.channel);
        const problems: string[] = [];
        if (channel === undefined) problems.push(`'channel' must be one of ${CAPTURE_CHANNELS.join(", ")}`);
        if (typeof input.status !== "number" || !Number.isInteger(input.status) || input.status < 200 || input.status > 599) problems.push("'status' must be an HTTP status (200-599)");
        if (input.name !== undefined && typeof input.name !== "string") problems.push("'name' must be a string");
        if (input.body !== undefined && typeof input.body !== "string") problems.push("'body' must be a string");
        if (input.retryAfterSeconds !== undefined && (typeof input.retryAfterSeconds !== "number" || input.retryAfterSeconds < 0)) problems.push("'retryAfterSeconds' must be a number >= 0");
        if (input.times !== undefined && (typeof input.times !== "number" || !Number.isInteger(input.times) || input.times < 1)) problems.push("'times' must be an integer >= 1");
        if (problems.length > 0 || channel === undefined) return invalidBody(problems);
        const answer: ScriptedAnswer = {
          channel,
          status: input.status as number,
          remaining: typeof input.times === "number" ? input.times : 1,
          ...(typeof input.name === "string" ? { name: input.name } : {}),
          ...(typeof input.body === "string" ? { body: input.body } : {}),
          ...(typeof input.retryAfterSeconds === "number" ? { retryAfterSeconds: input.retryAfterSeconds } : {}),
        };
        answers.push(answer);
        return { status: 201, body: answer };
      }),
    ],
    stop: () => closeServer(server),
  };
}

/** The control routes of a sandbox started without the receiver: they say how to get one. */
export function captureDisabledRoutes(): SandboxRoute[] {
  const off = () => armError(404, "NotificationReceiverNotStarted", "This sandbox was started without the notification receiver (startSandbox({ notificationReceiver: true }); npm start starts it).");
  return [controlRoute("GET", `${CONTROL_PREFIX}/notifications`, off), controlRoute("DELETE", `${CONTROL_PREFIX}/notifications`, off), controlRoute("POST", `${CONTROL_PREFIX}/notifications/answers`, off)];
}
