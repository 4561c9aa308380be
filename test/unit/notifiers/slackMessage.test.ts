import { describe, expect, it } from "vitest";
import { buildSlackMessage, SLACK_LIMITS, slackLimitProblems } from "../../../src/notifiers/slackMessage.js";
import type { DeployNotice } from "../../../src/domain/notification.js";
import { FAILED, NOTICES, ROLLED_BACK } from "./notices.js";

describe("Slack message (Block Kit with a text fallback)", () => {
  it.each(Object.entries(NOTICES))("%s: within every Block Kit limit", (_name, notice) => {
    const message = buildSlackMessage(notice);
    expect(slackLimitProblems(message)).toEqual([]);
    expect(message.text).not.toBe("");
    expect(message).toMatchSnapshot();
  });

  it("stays within the limits when everything is as long as it can be", () => {
    const huge: DeployNotice = {
      ...FAILED,
      target: "t".repeat(63),
      reason: "r".repeat(20_000),
      image: { ...FAILED.image, repository: `${"a".repeat(200)}/${"b".repeat(200)}` },
      steps: Array.from({ length: 200 }, (_, i) => ({ name: `step-${i}`, status: "failed" as const, startedAt: FAILED.at, finishedAt: FAILED.at, detail: "d".repeat(500) })),
      error: { code: "C".repeat(300), message: "m", correlationId: "x".repeat(300) },
    };
    const message = buildSlackMessage(huge);
    expect(slackLimitProblems(message)).toEqual([]);
    expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(SLACK_LIMITS.totalBlockChars);
  });

  it("the checker itself finds each broken limit", () => {
    const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
    expect(slackLimitProblems({ text: "", blocks: [] })).toEqual(["text fallback is empty"]);
    expect(slackLimitProblems({ text: "x", blocks: Array.from({ length: 51 }, () => section("x")) })).toEqual(["51 blocks"]);
    expect(slackLimitProblems({ text: "x", blocks: [section("x".repeat(3001))] })).toEqual(["block 0: section text over 3000"]);
    expect(slackLimitProblems({ text: "x", blocks: [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }] })).toEqual(["block 0: header text over 150"]);
    expect(slackLimitProblems({ text: "x", blocks: [{ type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f" })) }] })).toEqual(["block 0: 11 fields"]);
    expect(slackLimitProblems({ text: "x", blocks: [{ type: "section", fields: [{ type: "mrkdwn", text: "f".repeat(2001) }] }] })).toEqual(["block 0: field 0 over 2000"]);
    expect(slackLimitProblems({ text: "x", blocks: Array.from({ length: 5 }, () => section("x".repeat(2900))) })).toEqual([expect.stringMatching(/^blocks are \d+ characters in all$/)]);
  });

  it("escapes Slack's control characters so no text becomes a mention or a link", () => {
    const message = buildSlackMessage({ ...ROLLED_BACK, reason: "<!channel> & <https://evil.example|click>" });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;");
    expect(text).not.toContain("<!channel>");
  });

  it("keeps the end of the build log in a code block that its content cannot close", () => {
    const message = buildSlackMessage({ ...FAILED, logTail: "line ``` inside\nstep build-app failed: exit code 1" });
    const log = JSON.stringify(message.blocks.find((block) => JSON.stringify(block).includes("Build log")));
    expect(log).toContain("step build-app failed: exit code 1```");
    expect((log.match(/```/g) ?? []).length).toBe(2);
  });
});
