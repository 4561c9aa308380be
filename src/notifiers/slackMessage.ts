/**
 * The Slack message: Block Kit blocks with a `text` fallback (what notifications and screen readers
 * show), sent to an incoming webhook. Slack's limits (https://docs.slack.dev/reference/block-kit/blocks):
 * at most 50 blocks; a section's text at most 3,000 characters; at most 10 fields of 2,000; a header's
 * plain text at most 150; and the blocks of one message about 13,000 characters in all, beyond which
 * the webhook answers `msg_blocks_too_long`. {@link slackLimitProblems} checks each of them; the
 * builder keeps within them by trimming the log tail first, then the step list.
 *
 * Slack reads `&`, `<` and `>` as control characters in mrkdwn (https://docs.slack.dev/messaging/formatting-message-text):
 * free text is escaped so a reason or log line cannot turn into a mention or a link.
 */
import type { DeployNotice } from "../domain/notification.js";
import { clip, errorFacts, formatDuration, isBadNews, logTailWithin, stepLines, summaryFacts, titleOf } from "./noticeText.js";

/** Slack's Block Kit limits, as documented. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3_000,
  fields: 10,
  fieldText: 2_000,
  headerText: 150,
  /** The whole `blocks` array, serialized; Slack refuses about 13,000 with `msg_blocks_too_long`. */
  totalBlockChars: 12_000,
  /** The fallback text; Slack truncates messages past 40,000 characters. */
  fallbackText: 4_000,
  buttonUrl: 3_000,
} as const;

/** A block: plain JSON. */
export type SlackBlock = { type: string } & Record<string, unknown>;

/** What `@slack/webhook`'s `send` takes. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Escapes Slack's mrkdwn control characters. */
export function slackEscape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const mrkdwn = (value: string) => ({ type: "mrkdwn", text: value });

/** A code block whose content cannot close it early. */
function codeBlock(value: string): string {
  return "```" + slackEscape(value.replace(/```/g, "ˋˋˋ")) + "```";
}

function blocksOf(notice: DeployNotice, logChars: number, stepCount: number): SlackBlock[] {
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(titleOf(notice), SLACK_LIMITS.headerText), emoji: true } },
    { type: "section", fields: summaryFacts(notice).slice(0, SLACK_LIMITS.fields).map((fact) => mrkdwn(clip(`*${fact.title}*\n${slackEscape(fact.value)}`, 1_000))) },
  ];
  const steps = stepLines(notice).slice(0, stepCount);
  if (steps.length > 0) {
    const lines = steps.map((step) => `${slackEscape(step.label)} · ${step.duration}${step.detail !== undefined ? ` · ${slackEscape(step.detail)}` : ""}`);
    blocks.push({ type: "section", text: mrkdwn(clip(`*Steps*\n${lines.join("\n")}`, SLACK_LIMITS.sectionText)) });
  }
  if (notice.reason !== undefined && notice.event !== "succeeded" && notice.event !== "started") {
    const arm = errorFacts(notice).map((fact) => `*${fact.title}:* ${slackEscape(fact.value)}`);
    const why = `*Why*\n${slackEscape(clip(notice.reason, 1_500))}${arm.length > 0 ? `\n${arm.join("\n")}` : ""}`;
    blocks.push({ type: "section", text: mrkdwn(clip(why, SLACK_LIMITS.sectionText)) });
  }
  if (notice.logTail !== undefined && notice.logTail.trim() !== "" && logChars > 0) {
    // Escaping can lengthen the tail (`&` → `&amp;`): trim until the section fits.
    let chars = logChars;
    let section = "";
    do {
      section = `*Build log (tail)*\n${codeBlock(logTailWithin(notice.logTail, chars))}`;
      chars -= Math.max(50, section.length - SLACK_LIMITS.sectionText);
    } while (section.length > SLACK_LIMITS.sectionText && chars > 0);
    if (section.length <= SLACK_LIMITS.sectionText) blocks.push({ type: "section", text: mrkdwn(section) });
  }
  const context = [mrkdwn(`Deployment \`${notice.deploymentId}\` · ${notice.at}`)];
  blocks.push({ type: "context", elements: context });
  if (notice.statusUrl !== undefined && notice.statusUrl.length <= SLACK_LIMITS.buttonUrl) {
    blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open deploy status" }, url: notice.statusUrl, ...(isBadNews(notice.event) ? { style: "danger" } : {}) }] });
  }
  return blocks;
}

/** The one-line fallback text. */
function fallbackOf(notice: DeployNotice): string {
  const reason = notice.reason !== undefined && notice.event !== "succeeded" && notice.event !== "started" ? ` ${clip(notice.reason, 300)}` : "";
  return clip(`${titleOf(notice)} (${notice.outcome ?? "started"}, ${formatDuration(notice.durationSeconds)}).${reason}`, SLACK_LIMITS.fallbackText);
}

/** The Slack message for `notice`, within every limit of {@link SLACK_LIMITS}. */
export function buildSlackMessage(notice: DeployNotice): SlackMessage {
  const text = fallbackOf(notice);
  let logChars = SLACK_LIMITS.sectionText - 100;
  let stepCount = notice.steps.length;
  for (;;) {
    const blocks = blocksOf(notice, logChars, stepCount);
    if (JSON.stringify(blocks).length <= SLACK_LIMITS.totalBlockChars || (logChars <= 0 && stepCount <= 0)) return { text, blocks };
    if (logChars > 0) logChars = logChars > 500 ? logChars - 500 : 0;
    else stepCount -= 1;
  }
}

/** Every Slack limit `message` breaks (empty when it is within all of them). */
export function slackLimitProblems(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (message.text.trim() === "") problems.push("text fallback is empty");
  if (message.text.length > SLACK_LIMITS.fallbackText) problems.push(`text is ${message.text.length} characters`);
  if (message.blocks.length > SLACK_LIMITS.blocks) problems.push(`${message.blocks.length} blocks`);
  const total = JSON.stringify(message.blocks).length;
  if (total > SLACK_LIMITS.totalBlockChars) problems.push(`blocks are ${total} characters in all`);
  message.blocks.forEach((block, index) => {
    const textOf = (value: unknown): string => (typeof value === "object" && value !== null && "text" in value && typeof value.text === "string" ? value.text : "");
    if (block.type === "header" && textOf(block.text).length > SLACK_LIMITS.headerText) problems.push(`block ${index}: header text over ${SLACK_LIMITS.headerText}`);
    if (block.type === "section") {
      if (textOf(block.text).length > SLACK_LIMITS.sectionText) problems.push(`block ${index}: section text over ${SLACK_LIMITS.sectionText}`);
      const fields = Array.isArray(block.fields) ? (block.fields as unknown[]) : [];
      if (fields.length > SLACK_LIMITS.fields) problems.push(`block ${index}: ${fields.length} fields`);
      fields.forEach((field, f) => {
        if (textOf(field).length > SLACK_LIMITS.fieldText) problems.push(`block ${index}: field ${f} over ${SLACK_LIMITS.fieldText}`);
      });
      if (block.text === undefined && fields.length === 0) problems.push(`block ${index}: section without text or fields`);
    }
  });
  return problems;
}
