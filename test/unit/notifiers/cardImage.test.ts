/**
 * The README's picture of a Teams card (docs/notification-card.svg) is drawn from the card the product
 * builds for a rolled-back deploy, so it cannot drift from it: this test fails when they differ.
 * `npm run render-card` writes the picture again.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildTeamsMessage } from "../../../src/notifiers/teamsCard.js";
import { renderCardSvg } from "../../support/cardSvg.js";
import { ROLLED_BACK } from "./notices.js";

const IMAGE = resolve(import.meta.dirname, "../../../docs/notification-card.svg");

describe("docs/notification-card.svg", () => {
  it("is the product's card for a rolled-back deploy, drawn", () => {
    const svg = renderCardSvg(buildTeamsMessage(ROLLED_BACK).attachments[0].content as unknown as Record<string, unknown>);
    if (process.env.ACA_ROLLOUT_WRITE_CARD_IMAGE === "1") writeFileSync(IMAGE, svg);
    expect(readFileSync(IMAGE, "utf8")).toBe(svg);
  });
});
