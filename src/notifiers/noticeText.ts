/**
 * The words every channel shares: titles, outcome labels, durations, short digests, the step lines
 * and the failure lines. Pure functions of a {@link DeployNotice}, so the three channels say the same
 * thing and the snapshot tests pin it once.
 */
import type { DeployTrigger } from "../domain/deployment.js";
import type { DeployNotice, NotificationEvent } from "../domain/notification.js";
import type { TimelineStep } from "../domain/timeline.js";

/** How each event is named in a title, with a symbol that reads without colour. */
const EVENT_TITLES: Record<NotificationEvent, { symbol: string; words: string }> = {
  started: { symbol: "🚀", words: "deploy started" },
  succeeded: { symbol: "✅", words: "deployed and verified" },
  failed: { symbol: "❌", words: "deploy failed" },
  rolledBack: { symbol: "↩️", words: "deploy rolled back" },
  superseded: { symbol: "⏭️", words: "deploy superseded" },
  canceled: { symbol: "🛑", words: "deploy canceled" },
  skipped: { symbol: "⏸️", words: "deploy skipped" },
};

/** Whether the event is bad news (the card and blocks mark it so). */
export function isBadNews(event: NotificationEvent): boolean {
  return event === "failed" || event === "rolledBack";
}

/** The symbol of an event. */
export function eventSymbol(event: NotificationEvent): string {
  return EVENT_TITLES[event].symbol;
}

/** `sha256:0123456789ab` (the first 12 hex digits, as `docker images` shows them). */
export function shortDigest(digest: string): string {
  const [algorithm, hex = ""] = digest.split(":");
  return `${algorithm ?? "sha256"}:${hex.slice(0, 12)}`;
}

/** `repository:tag @ sha256:0123456789ab`, with whichever of tag and digest is known. */
export function imageLabel(notice: Pick<DeployNotice, "image">): string {
  const { repository, tag, digest } = notice.image;
  const name = tag !== undefined ? `${repository}:${tag}` : repository;
  return digest !== undefined ? `${name} @ ${shortDigest(digest)}` : name;
}

/** The one-line title: `✅ web: v2 deployed and verified`. */
export function titleOf(notice: DeployNotice): string {
  const { symbol, words } = EVENT_TITLES[notice.event];
  const version = notice.image.tag ?? (notice.image.digest !== undefined ? shortDigest(notice.image.digest) : "");
  return `${symbol} ${notice.target}: ${version === "" ? "" : `${version} `}${words}`;
}

/** `45s`, `1m 42s`, `2h 03m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** What started the deploy, for people. */
export function triggerLabel(trigger: DeployTrigger): string {
  const kind = { api: "API (POST /api/deployments)", webhook: "ACR push webhook", eventGrid: "Event Grid ImagePushed", scan: "reconcile scan" }[trigger.kind];
  const details = [
    ...(trigger.tag !== undefined ? [`push of tag ${trigger.tag}`] : []),
    ...(trigger.coalesced !== undefined && trigger.coalesced > 1 ? [`${trigger.coalesced} pushes coalesced`] : []),
  ];
  return details.length > 0 ? `${kind}: ${details.join(", ")}` : kind;
}

/** The outcome word; `Running` for a start, `Skipped` for an image a trigger did not deploy. */
export function outcomeLabel(notice: DeployNotice): string {
  return notice.outcome ?? (notice.event === "skipped" ? "Skipped" : "Running");
}

const STEP_SYMBOLS: Record<TimelineStep["status"], string> = { pending: "·", running: "▶", succeeded: "✔", failed: "✖", skipped: "–", canceled: "■" };

/** A step's duration in seconds, when it has both ends. */
export function stepSeconds(step: TimelineStep): number | undefined {
  if (step.startedAt === undefined || step.finishedAt === undefined) return undefined;
  return (Date.parse(step.finishedAt) - Date.parse(step.startedAt)) / 1000;
}

/** One timeline line's parts: `✔ verify`, `1m 10s`, detail. */
export interface StepLine {
  label: string;
  duration: string;
  detail?: string;
}

/** Longest step detail a message repeats (the status has the whole text). */
const MAX_STEP_DETAIL = 160;

/** The steps that ran (skipped ones left out: the status lists them), with durations. */
export function stepLines(notice: DeployNotice): StepLine[] {
  return notice.steps
    .filter((step) => step.status !== "skipped" && step.status !== "pending")
    .map((step) => {
      const seconds = stepSeconds(step);
      const line: StepLine = { label: `${STEP_SYMBOLS[step.status]} ${step.name}`, duration: seconds === undefined ? step.status : formatDuration(seconds) };
      if (step.detail !== undefined) line.detail = clip(step.detail, MAX_STEP_DETAIL);
      return line;
    });
}

/** `text` cut to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/** The last `maxChars` characters of a log, cut at a line start when one is near, marked when cut. */
export function logTailWithin(tail: string, maxChars: number): string {
  const trimmed = tail.replace(/\s+$/, "");
  if (trimmed.length <= maxChars) return trimmed;
  const marker = "…(earlier lines trimmed)\n";
  if (maxChars <= marker.length) return "";
  let cut = trimmed.slice(trimmed.length - (maxChars - marker.length));
  const newline = cut.indexOf("\n");
  if (newline !== -1 && newline < cut.length / 4) cut = cut.slice(newline + 1);
  return marker + cut;
}

/** The failure lines: ARM code (status) and correlation id, when the deploy had a failed call. */
export function errorFacts(notice: DeployNotice): { title: string; value: string }[] {
  if (!notice.error) return [];
  const facts = [{ title: "ARM code", value: notice.error.statusCode !== undefined ? `${notice.error.code} (HTTP ${notice.error.statusCode})` : notice.error.code }];
  if (notice.error.correlationId !== undefined) facts.push({ title: "Correlation id", value: notice.error.correlationId });
  return facts;
}

/** The summary facts every channel shows, in order. */
export function summaryFacts(notice: DeployNotice): { title: string; value: string }[] {
  const facts = [
    { title: "Target", value: notice.target },
    { title: "App", value: `${notice.app.name} (${notice.app.resourceGroup})` },
    { title: "Image", value: imageLabel(notice) },
    { title: "Outcome", value: outcomeLabel(notice) },
    ...(notice.event === "skipped" && notice.outcome === undefined ? [] : [{ title: notice.outcome === undefined ? "Waited" : "Duration", value: formatDuration(notice.durationSeconds) }]),
  ];
  if (notice.newRevision !== undefined) facts.push({ title: "New revision", value: notice.newRevision });
  if (notice.previousRevision !== undefined) facts.push({ title: "Previous revision", value: notice.previousRevision });
  if (notice.supersededBy !== undefined) facts.push({ title: "Superseded by", value: notice.supersededBy });
  if (notice.quarantinedDigest !== undefined) facts.push({ title: "Quarantined", value: shortDigest(notice.quarantinedDigest) });
  facts.push({ title: "Triggered by", value: triggerLabel(notice.trigger) });
  return facts;
}
