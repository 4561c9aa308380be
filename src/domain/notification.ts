/**
 * Notifications vocabulary: the events a deploy announces, the channels it announces them on, the
 * data a message is built from ({@link DeployNotice}) and what the deploy status records of each
 * delivery ({@link NotificationRecord}). Channels name app settings, never URLs or secrets: the value
 * is read only by the activity that sends (see README, "Notifications").
 */
import { z } from "zod";
import type { DeployTrigger } from "./deployment.js";
import type { DeployOutcomeKind } from "./deployOutcomeKind.js";
import type { TimelineStep } from "./timeline.js";

/** Every event a deploy can announce. `skipped`: a quarantined or ignored image was not deployed. */
export const NOTIFICATION_EVENTS = ["started", "succeeded", "failed", "rolledBack", "superseded", "canceled", "skipped"] as const;

/** One of {@link NOTIFICATION_EVENTS}. */
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** The events a channel gets when it does not choose: every outcome, not the start. */
export const DEFAULT_NOTIFICATION_EVENTS: readonly NotificationEvent[] = NOTIFICATION_EVENTS.filter((event) => event !== "started");

/** The channel kinds: a Teams Workflows webhook, a Slack incoming webhook, a signed generic webhook. */
export const NOTIFICATION_CHANNELS = ["teams", "slack", "webhook"] as const;

/** One of {@link NOTIFICATION_CHANNELS}. */
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** The events list of a channel entry: unique, at least one. */
export const notificationEventsSchema = z
  .array(z.enum(NOTIFICATION_EVENTS, { error: `must be one of ${NOTIFICATION_EVENTS.join(", ")}` }))
  .min(1, { error: "must name at least one event (leave it out for the default: every event but started)" })
  .superRefine((events, ctx) => {
    events.forEach((event, index) => {
      if (events.indexOf(event) !== index) ctx.addIssue({ code: "custom", message: `duplicate ${JSON.stringify(event)}`, path: [index] });
    });
  });

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * One channel as the deploy input carries it (composed from the target): the kind, the app setting
 * holding its URL, for `webhook` the setting holding the signing secret, and the events it wants.
 */
export const channelRefSchema = z.strictObject({
  channel: z.enum(NOTIFICATION_CHANNELS),
  urlSetting: z.string().regex(SETTING_NAME),
  secretSetting: z.string().regex(SETTING_NAME).optional(),
  events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1),
});

/** One channel of a deploy (setting names only). */
export type ChannelRef = z.output<typeof channelRefSchema>;

/** The event that announces a deploy's outcome. A quarantined digest was not deployed: `skipped`. */
export function eventForOutcome(outcome: DeployOutcomeKind): NotificationEvent {
  switch (outcome) {
    case "Succeeded":
      return "succeeded";
    case "Failed":
      return "failed";
    case "RolledBack":
      return "rolledBack";
    case "Canceled":
      return "canceled";
    case "Superseded":
      return "superseded";
    case "Quarantined":
      return "skipped";
  }
}

/** The failed Azure call behind a failure, as a message shows it. */
export interface NoticeError {
  code: string;
  message: string;
  statusCode?: number;
  correlationId?: string;
}

/**
 * Everything a message says about one deploy event, built by the orchestration from its input and
 * output (so a replay builds the same notice) and handed to the pure builders in `src/notifiers`.
 */
export interface DeployNotice {
  event: NotificationEvent;
  deploymentId: string;
  /** The target's name (the app's name for deploys started without a target). */
  target: string;
  app: { subscriptionId: string; resourceGroup: string; name: string };
  image: { loginServer: string; repository: string; tag?: string; digest?: string };
  /** Absent for `started`. */
  outcome?: DeployOutcomeKind;
  reason?: string;
  /** When the deploy was requested (ISO). */
  requestedAt: string;
  /** When the event happened (ISO, orchestration clock). */
  at: string;
  /** Seconds from the request to {@link at}. */
  durationSeconds: number;
  steps: TimelineStep[];
  newRevision?: string;
  previousRevision?: string;
  /** The deploy's status URL (`GET /api/deployments/{id}`), when known. */
  statusUrl?: string;
  error?: NoticeError;
  /** The end of the build log, when the build failed. */
  logTail?: string;
  quarantinedDigest?: string;
  supersededBy?: string;
  trigger: DeployTrigger;
  /**
   * The build in one line each, when the deploy built: `summary` ("1 of 6 layers new, 1.1 kB of
   * 205 kB; 4/5 steps cached") and `lint` ("3 findings (2 cache, 1 size)"), for the message builders.
   */
  build?: { summary?: string; lint?: string };
}

/** What the deploy status records of one delivery (never the URL). */
export interface NotificationRecord {
  channel: NotificationChannel;
  /** The app setting naming the channel's URL, so two channels of one kind can be told apart. */
  setting: string;
  event: NotificationEvent;
  delivered: boolean;
  attempts: number;
  /** Why the last attempt failed (status and the service's own error text, never the URL). */
  lastError?: string;
  /** When it was delivered (ISO). */
  deliveredAt?: string;
}

// Its own module so the function registrations can name it without loading this one (and zod).
export { NOTIFY_ORCHESTRATION } from "./notifyOrchestration.js";

/** Input of the `notifyDeploy` orchestration: one event of one deploy, to the channels that want it. */
export interface NotifyDeployInput {
  notice: DeployNotice;
  /** Only channels whose `events` include the notice's event. */
  channels: ChannelRef[];
}

/** The `notifyDeploy` instance of a deploy's event: fixed, so the same event is never started twice. */
export function notifyInstanceId(deploymentId: string, event: NotificationEvent): string {
  return `${deploymentId}-notify-${event === "started" ? "start" : "end"}`;
}
