import { describe, expect, it } from "vitest";
import { buildTeamsMessage, messageBytes, TEAMS_MAX_BYTES } from "../../../src/notifiers/teamsCard.js";
import { cardParseEvents } from "./adaptiveCards.js";
import { BIG_LOG, FAILED, NOTICES, ROLLED_BACK } from "./notices.js";

describe("Teams message (Adaptive Card 1.5 via Workflows)", () => {
  it.each(Object.entries(NOTICES))("%s: the Workflows envelope around a card the adaptivecards parser reads with zero events", (_name, notice) => {
    const message = buildTeamsMessage(notice);
    expect(message).toMatchObject({ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: { type: "AdaptiveCard", version: "1.5" } }] });
    expect(cardParseEvents(message.attachments[0].content)).toEqual([]);
    expect(messageBytes(message)).toBeLessThan(TEAMS_MAX_BYTES);
    expect(message).toMatchSnapshot();
  });

  it("stays under 20 KB with a 100 KB log tail, keeping the log's last lines", () => {
    expect(Buffer.byteLength(BIG_LOG)).toBeGreaterThan(100_000);
    const message = buildTeamsMessage(FAILED);
    const text = JSON.stringify(message);
    expect(Buffer.byteLength(text)).toBeLessThan(20_000);
    // Most of the budget goes to the log: the card is not trimmed more than it must be.
    expect(Buffer.byteLength(text)).toBeGreaterThan(15_000);
    expect(text).toContain("step build-app failed: exit code 1");
    expect(text).toContain("…(earlier lines trimmed)");
    expect(cardParseEvents(message.attachments[0].content)).toEqual([]);
  });

  it("says what a person needs: target, app, tag and short digest, outcome, duration, steps with durations, revisions, link, reason, ARM code and correlation id, trigger", () => {
    const rolledBack = JSON.stringify(buildTeamsMessage(ROLLED_BACK));
    for (const expected of ["web: v2 deploy rolled back", "web-app (rg-web)", "team/web:v2 @ sha256:4f1c0a9be2d3", "RolledBack", "10m 12s", "✖ verify", "3m 00s", "web-app--dep-20261128-0900-1a2b", "web-app--v1", "Open deploy status", ROLLED_BACK.statusUrl!, "API (POST /api/deployments)"]) {
      expect(rolledBack).toContain(expected);
    }
    const failed = JSON.stringify(buildTeamsMessage(FAILED));
    for (const expected of ["BuildFailed (HTTP 200)", "7c0a2b8e-1d3f-4a5b-9c6d-0e1f2a3b4c5d", "ACR push webhook: push of tag v3, 2 pushes coalesced", "Build log (tail)"]) expect(failed).toContain(expected);
  });

  it("puts free text in TextRuns, which Teams does not read as Markdown", () => {
    const card = buildTeamsMessage({ ...FAILED, reason: "**not bold** _nor italic_ [link](https://evil.example)" }).attachments[0].content;
    const runs = JSON.stringify(card.body.filter((element) => element.type === "Container"));
    expect(runs).toContain('"type":"TextRun","text":"**not bold** _nor italic_ [link](https://evil.example)"');
  });
});
