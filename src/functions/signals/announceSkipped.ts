/**
 * The `skipped` notification, for the push triggers (ACR webhook, Event Grid, reconcile scan): when a
 * pushed image is not deployed (its digest is quarantined for the app, or the push is ignored), the
 * target's channels that ask for `skipped` hear about it, through the same `notifyDeploy` delivery a
 * deploy's own events use. It never throws: a notification must not fail the trigger that decided.
 */
import { startNotifyInstance, type NotificationStarter } from "../../activities/notifyStart.js";
import { DEPLOYMENT_ID_PATTERN, type DeployTrigger } from "../../domain/deployment.js";
import type { DeployNotice } from "../../domain/notification.js";
import { channelRefsOf, type TargetDefinition } from "../../domain/target.js";

/** One image a trigger decided not to deploy. */
export interface SkippedImage {
  target: TargetDefinition;
  /**
   * Names this decision (deploy-id syntax: 1-64 lowercase letters, digits, inner `-`), the same for
   * the same push so a repeated decision is announced once, e.g. `skip-<target>-<12 hex of the digest>`.
   */
  decisionId: string;
  tag?: string;
  digest?: string;
  /** Why it was skipped, for people (the quarantine's reason, the tag policy that ignored it). */
  reason: string;
  trigger: DeployTrigger;
  /** When the push was seen (the trigger's clock). */
  at: Date;
}

/** Whether a `skipped` notification was started, and if not, why. */
export type AnnounceSkippedOutcome = { started: true } | { started: false; reason: "no-channel" | "already-announced" | "invalid-id" | "failed"; detail?: string };

/** Starts the `skipped` notification of `skipped` for the target's channels that want it. */
export async function announceSkipped(client: NotificationStarter, skipped: SkippedImage): Promise<AnnounceSkippedOutcome> {
  if (!DEPLOYMENT_ID_PATTERN.test(skipped.decisionId)) return { started: false, reason: "invalid-id", detail: `decisionId ${JSON.stringify(skipped.decisionId)} is not a deploy id` };
  const channels = channelRefsOf(skipped.target.notifications).filter((channel) => channel.events.includes("skipped"));
  if (channels.length === 0) return { started: false, reason: "no-channel" };
  const at = skipped.at.toISOString();
  const notice: DeployNotice = {
    event: "skipped",
    deploymentId: skipped.decisionId,
    target: skipped.target.name,
    app: { subscriptionId: skipped.target.containerApp.subscriptionId, resourceGroup: skipped.target.containerApp.resourceGroup, name: skipped.target.containerApp.containerApp },
    image: {
      loginServer: skipped.target.image.loginServer,
      repository: skipped.target.image.repository,
      ...(skipped.tag !== undefined ? { tag: skipped.tag } : {}),
      ...(skipped.digest !== undefined ? { digest: skipped.digest } : {}),
    },
    reason: skipped.reason,
    requestedAt: at,
    at,
    durationSeconds: 0,
    steps: [],
    trigger: skipped.trigger,
  };
  try {
    return (await startNotifyInstance({ notice, channels }, client)) ? { started: true } : { started: false, reason: "already-announced" };
  } catch (error) {
    return { started: false, reason: "failed", detail: error instanceof Error ? error.message : String(error) };
  }
}
