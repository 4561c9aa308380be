import { describe, expect, it } from "vitest";
import {
  MAX_REVISION_NAME_LENGTH,
  REVISION_SUFFIX_PATTERN,
  isValidRevisionSuffix,
  revisionName,
  revisionSuffix,
} from "../../src/policies/revisionSuffix.js";

const LONGEST_APP = `a${"b".repeat(31)}`;

describe("revisionSuffix", () => {
  it("is deterministic", () => {
    expect(revisionSuffix("dep-1", "album-api", "deploy")).toBe(revisionSuffix("dep-1", "album-api", "deploy"));
  });

  it("has a fixed, known shape", () => {
    const suffix = revisionSuffix("dep-1", "album-api", "deploy");
    expect(suffix).toMatch(/^dep-[a-z2-7]{12}$/);
    expect(revisionSuffix("dep-1", "album-api", "rollback")).toMatch(/^rbk-[a-z2-7]{12}$/);
  });

  it("differs by purpose, deployment and app", () => {
    const all = new Set([
      revisionSuffix("dep-1", "album-api", "deploy"),
      revisionSuffix("dep-1", "album-api", "rollback"),
      revisionSuffix("dep-2", "album-api", "deploy"),
      revisionSuffix("dep-1", "album-web", "deploy"),
    ]);
    expect(all.size).toBe(4);
  });

  it("does not collide across many deployments (hash of the id, not a prefix of it)", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i += 1) seen.add(revisionSuffix(`dep-${i}`, "app", "deploy"));
    expect(seen.size).toBe(5000);
    // Ids sharing a long prefix still differ.
    const prefix = "x".repeat(60);
    expect(revisionSuffix(`${prefix}-1`, "app", "deploy")).not.toBe(revisionSuffix(`${prefix}-2`, "app", "deploy"));
  });

  it("follows the suffix rules and fits the revision-name limit even for the longest app name", () => {
    for (const app of ["ab", "album-api", LONGEST_APP]) {
      for (const purpose of ["deploy", "rollback"] as const) {
        const suffix = revisionSuffix("some-deployment-id", app, purpose);
        expect(suffix).toMatch(REVISION_SUFFIX_PATTERN);
        expect(suffix).not.toContain("--");
        expect(suffix.endsWith("-")).toBe(false);
        expect(revisionName(app, suffix).length).toBeLessThanOrEqual(MAX_REVISION_NAME_LENGTH);
      }
    }
    expect(MAX_REVISION_NAME_LENGTH).toBe(54);
  });

  it("rejects invalid app names and an empty deployment id", () => {
    expect(() => revisionSuffix("dep-1", "Album", "deploy")).toThrow(/Container App name/);
    expect(() => revisionSuffix("dep-1", "a--b", "deploy")).toThrow(/Container App name/);
    expect(() => revisionSuffix("", "app", "deploy")).toThrow(/empty/);
  });
});

describe("revisionName and isValidRevisionSuffix", () => {
  it("joins with a double dash", () => {
    expect(revisionName("album-api", "dep-abc")).toBe("album-api--dep-abc");
  });

  it.each(["1abc", "Abc", "abc-", "a--b", "a_b", ""])("rejects suffix %j", (suffix) => {
    expect(isValidRevisionSuffix("app", suffix)).toBe(false);
    expect(() => revisionName("app", suffix)).toThrow(/not a valid revision suffix/);
  });

  it("enforces the combined length", () => {
    const room = MAX_REVISION_NAME_LENGTH - LONGEST_APP.length - 2;
    expect(isValidRevisionSuffix(LONGEST_APP, "a".repeat(room))).toBe(true);
    expect(isValidRevisionSuffix(LONGEST_APP, "a".repeat(room + 1))).toBe(false);
  });
});
