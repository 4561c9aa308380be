import { describe, expect, it } from "vitest";
import { lastKnownGoodNotes } from "../../src/policies/lastKnownGood.js";

const serving = { revision: "web--v1", image: "acr.io/web@sha256:aa", templateImage: "acr.io/web@sha256:aa" };

describe("lastKnownGoodNotes", () => {
  it("says nothing when the template and the record agree with what serves", () => {
    expect(lastKnownGoodNotes(serving, { revision: "WEB--v1", image: "acr.io/web@sha256:aa" })).toEqual([]);
    expect(lastKnownGoodNotes(serving, undefined)).toEqual([]);
  });

  it("names a template that differs from the serving revision's image", () => {
    expect(lastKnownGoodNotes({ ...serving, templateImage: "acr.io/web@sha256:bb" }, undefined)).toEqual([
      "the app template names acr.io/web@sha256:bb, but web--v1 serves acr.io/web@sha256:aa: the serving revision is the last known good",
    ]);
  });

  it("names a record that is not what serves, and prefers what serves", () => {
    expect(lastKnownGoodNotes(serving, { revision: "web--v0", image: "acr.io/web@sha256:00" })).toEqual([
      "the last known good on record is web--v0 (acr.io/web@sha256:00), but web--v1 (acr.io/web@sha256:aa) serves with traffic: rolling back to web--v1 if needed",
    ]);
    expect(lastKnownGoodNotes({ ...serving, revision: undefined }, { revision: "web--v0", image: "acr.io/web@sha256:00" })[0]).toMatch(/no revision serves now/);
  });
});
