/**
 * The Microsoft Teams message: an Adaptive Card 1.5 in the envelope a Workflows "When a Teams webhook
 * request is received" trigger takes. Office 365 connectors are retired; Workflows posts the card.
 *
 * - Envelope: `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
 *   "contentUrl":null,"content":<card>}]}` (Microsoft Learn, "Create incoming webhooks with Workflows
 *   for Microsoft Teams", https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
 * - Teams renders Adaptive Cards up to 1.5 (Microsoft Learn, "Cards reference": "Teams supports
 *   Adaptive Card schema version 1.5 or earlier").
 * - The documented message limit is 28 KB, but posts fail below it in practice, so every message is
 *   kept under {@link TEAMS_MAX_BYTES}; the build log tail is what gives way.
 *
 * Free text (reasons, log lines, step details) goes into `TextRun`s, which Teams does not read as
 * Markdown, so a `*` or `_` in a log line stays as it is.
 */
import type { DeployNotice } from "../domain/notification.js";
import { clip, errorFacts, isBadNews, logTailWithin, stepLines, summaryFacts, titleOf } from "./noticeText.js";

/** Every Teams message stays below this many bytes of JSON (UTF-8). */
export const TEAMS_MAX_BYTES = 20_000;

/** The Adaptive Card version Teams renders. */
export const ADAPTIVE_CARD_VERSION = "1.5";

/** An Adaptive Card element or action: plain JSON. */
export type CardElement = Record<string, unknown>;

/** The card. */
export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: typeof ADAPTIVE_CARD_VERSION;
  body: CardElement[];
  actions?: CardElement[];
  msteams: { width: "Full" };
}

/** The Workflows webhook envelope around the card. */
export interface TeamsMessage {
  type: "message";
  attachments: [{ contentType: "application/vnd.microsoft.card.adaptive"; contentUrl: null; content: AdaptiveCard }];
}

const MAX_REASON_CHARS = 1_000;

/** UTF-8 size of a message as sent. */
export function messageBytes(message: unknown): number {
  return Buffer.byteLength(JSON.stringify(message), "utf8");
}

const text = (value: string, extra: CardElement = {}): CardElement => ({ type: "TextBlock", text: value, wrap: true, ...extra });
const plainRuns = (value: string, extra: CardElement = {}): CardElement => ({ type: "RichTextBlock", inlines: [{ type: "TextRun", text: value, ...extra }] });
const facts = (list: { title: string; value: string }[]): CardElement => ({ type: "FactSet", facts: list });

function cardOf(notice: DeployNotice, logTail: string | undefined): AdaptiveCard {
  const body: CardElement[] = [
    text(titleOf(notice), { size: "Large", weight: "Bolder", color: isBadNews(notice.event) ? "Attention" : notice.event === "succeeded" ? "Good" : "Default" }),
    facts(summaryFacts(notice)),
  ];
  const steps = stepLines(notice);
  if (steps.length > 0) {
    body.push(text("Steps", { weight: "Bolder", spacing: "Medium", separator: true }));
    body.push(facts(steps.map((step) => ({ title: step.label, value: step.detail !== undefined ? `${step.duration} · ${step.detail}` : step.duration }))));
  }
  if (notice.reason !== undefined && notice.event !== "succeeded" && notice.event !== "started") {
    const failure: CardElement[] = [text("Why", { weight: "Bolder" }), plainRuns(clip(notice.reason, MAX_REASON_CHARS))];
    const armFacts = errorFacts(notice);
    if (armFacts.length > 0) failure.push(facts(armFacts));
    body.push({ type: "Container", style: isBadNews(notice.event) ? "attention" : "emphasis", spacing: "Medium", items: failure });
  }
  if (logTail !== undefined && logTail !== "") {
    body.push(text("Build log (tail)", { weight: "Bolder", spacing: "Medium" }));
    body.push(plainRuns(logTail, { fontType: "Monospace", size: "Small" }));
  }
  body.push(text(`Deployment ${notice.deploymentId} · ${notice.at}`, { isSubtle: true, size: "Small", spacing: "Medium" }));
  const card: AdaptiveCard = {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: ADAPTIVE_CARD_VERSION,
    body,
    msteams: { width: "Full" },
  };
  if (notice.statusUrl !== undefined) card.actions = [{ type: "Action.OpenUrl", title: "Open deploy status", url: notice.statusUrl }];
  return card;
}

function envelope(card: AdaptiveCard): TeamsMessage {
  return { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] };
}

/**
 * The Teams message for `notice`. The build log tail gets what is left of the byte budget (JSON
 * escaping and multi-byte characters counted), trimmed from its start so the last lines stay.
 */
export function buildTeamsMessage(notice: DeployNotice): TeamsMessage {
  const withoutLog = envelope(cardOf(notice, undefined));
  if (notice.logTail === undefined || notice.logTail.trim() === "") return withoutLog;
  // Room for the log's two elements and their JSON, then shrink until the whole message fits.
  let budget = TEAMS_MAX_BYTES - messageBytes(withoutLog) - 400;
  while (budget > 0) {
    const message = envelope(cardOf(notice, logTailWithin(notice.logTail, budget)));
    const size = messageBytes(message);
    if (size < TEAMS_MAX_BYTES) return message;
    // Escaped or multi-byte characters take more than one byte each: cut by the overshoot and retry.
    budget -= Math.max(64, size - TEAMS_MAX_BYTES + 64);
  }
  return withoutLog;
}
