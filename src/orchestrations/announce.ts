/**
 * Announcing a deploy: builds the {@link DeployNotice} of an event from the deploy's input and its
 * progress or output, and starts its delivery (`startNotifications`), which runs on its own so the
 * deploy never waits for a receiver. Nothing happens when no channel wants the event. A start that
 * fails after its retries loses that event's messages but never the deploy's outcome.
 */
import { ACTIVITIES } from "../activities/contracts.js";
import type { BuildReport } from "../domain/buildReport.js";
import type { DeploymentInput } from "../domain/deployment.js";
import { eventForOutcome, type ChannelRef, type DeployNotice, type NotificationEvent } from "../domain/notification.js";
import type { DeployStatus } from "../domain/timeline.js";
import { lintSummary } from "../policies/lintSummary.js";
import type { Flow } from "./calls.js";
import type { DeployOutput } from "./deployProgress.js";
import type { DeployRun } from "./deployRun.js";

/** The channels of `input` that want `event`. */
export function channelsFor(input: Pick<DeploymentInput, "notifications">, event: NotificationEvent): ChannelRef[] {
  return (input.notifications ?? []).filter((channel) => channel.events.includes(event));
}

/** The build's report and lint findings in a line each, when there is either. */
function buildLines(report: BuildReport | undefined): DeployNotice["build"] {
  if (!report) return undefined;
  const lines: NonNullable<DeployNotice["build"]> = {
    ...(report.summary !== undefined ? { summary: report.summary } : {}),
    ...(report.lint ? { lint: lintSummary(report.lint) } : {}),
  };
  return Object.keys(lines).length > 0 ? lines : undefined;
}

/** The notice of `event` for a deploy, from its input and its output (or, before it ends, its status). */
export function deployNotice(input: DeploymentInput, event: NotificationEvent, at: Date, result: DeployOutput | DeployStatus): DeployNotice {
  const output = "outcome" in result ? result : undefined;
  const digest = input.image.digest ?? result.digest;
  const notice: DeployNotice = {
    event,
    deploymentId: input.deploymentId,
    target: input.targetName ?? input.target.containerApp,
    app: { subscriptionId: input.target.subscriptionId, resourceGroup: input.target.resourceGroup, name: input.target.containerApp },
    image: {
      loginServer: input.image.loginServer,
      repository: input.image.repository,
      ...(input.image.tag !== undefined ? { tag: input.image.tag } : {}),
      ...(digest !== undefined ? { digest } : {}),
    },
    requestedAt: input.requestedAt,
    at: at.toISOString(),
    durationSeconds: Math.max(0, (at.getTime() - Date.parse(input.requestedAt)) / 1000),
    steps: result.steps.map((step) => ({ ...step })),
    trigger: { ...input.trigger },
  };
  if (result.newRevision !== undefined) notice.newRevision = result.newRevision;
  if (result.previousRevision !== undefined) notice.previousRevision = result.previousRevision;
  if (input.statusUrl !== undefined) notice.statusUrl = input.statusUrl;
  const build = buildLines(result.build);
  if (build) notice.build = build;
  if (output) {
    notice.outcome = output.outcome;
    notice.reason = output.reason;
    if (output.error) notice.error = { ...output.error };
    if (output.logTail !== undefined) notice.logTail = output.logTail;
    if (output.quarantinedDigest !== undefined) notice.quarantinedDigest = output.quarantinedDigest;
    if (output.supersededBy !== undefined) notice.supersededBy = output.supersededBy;
  }
  return notice;
}

/** Announces that the deploy has the app and starts working. */
export function* announceStart(run: DeployRun): Flow<void> {
  yield* announce(run, "started", run.progress.current());
}

/** Announces the deploy's outcome. */
export function* announceOutcome(run: DeployRun, output: DeployOutput): Flow<void> {
  yield* announce(run, eventForOutcome(output.outcome), output);
}

function* announce(run: DeployRun, event: NotificationEvent, result: DeployOutput | DeployStatus): Flow<void> {
  const channels = channelsFor(run.input, event);
  if (channels.length === 0) return;
  // The outcome is already published; a start that keeps failing is only a lost message.
  yield* run.activity(ACTIVITIES.startNotifications, { notice: deployNotice(run.input, event, run.now(), result), channels });
}
