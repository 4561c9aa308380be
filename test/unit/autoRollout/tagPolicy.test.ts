/**
 * The tag-policy table (issue 11): exact, glob (picomatch), regex (anchored; ReDoS refused when the
 * targets load), semver ranges with the pre-release rule, any; a semver downgrade is ignored.
 */
import { describe, expect, it } from "vitest";
import { parseTargetsDocument, tagPolicyProblem, type TagPolicy } from "../../../src/domain/target.js";
import { downgradeProblem, newestFirst, tagVerdict } from "../../../src/policies/tagPolicy.js";

const TABLE: { policy: TagPolicy; takes: string[]; refuses: string[] }[] = [
  { policy: { kind: "exact", pattern: "stable" }, takes: ["stable"], refuses: ["stable2", "Stable", "v1"] },
  { policy: { kind: "glob", pattern: "release-*" }, takes: ["release-1", "release-2026.01", "release-"], refuses: ["release", "prerelease-1", "v1"] },
  { policy: { kind: "glob", pattern: "v?.*" }, takes: ["v1.0", "v2.x"], refuses: ["v10.0", "v1"] },
  { policy: { kind: "regex", pattern: "v[0-9]+\\.[0-9]+" }, takes: ["v1.2", "v10.20"], refuses: ["v1.2.3", "xv1.2", "v1.2-rc"] },
  { policy: { kind: "regex", pattern: "main-[0-9a-f]{7}" }, takes: ["main-abc1234"], refuses: ["main-abc12345", "feature-abc1234"] },
  { policy: { kind: "semver", pattern: "^1.2.0" }, takes: ["1.2.0", "v1.2.9", "1.9.0"], refuses: ["2.0.0", "1.1.9", "1.3.0-rc.1", "latest"] },
  { policy: { kind: "semver", pattern: "~1.4" }, takes: ["1.4.0", "1.4.7"], refuses: ["1.5.0", "1.3.9"] },
  { policy: { kind: "semver", pattern: ">=1.0.0 <2.0.0 || >=3.0.0" }, takes: ["1.0.0", "3.1.0"], refuses: ["2.5.0", "0.9.0"] },
  // Pre-releases only when the range names one of the same major.minor.patch.
  { policy: { kind: "semver", pattern: ">=1.3.0-rc.0 <2.0.0" }, takes: ["1.3.0-rc.1", "1.3.0", "1.4.0"], refuses: ["1.4.0-rc.1", "1.2.0"] },
  { policy: { kind: "any" }, takes: ["anything", "v1", "latest"], refuses: [] },
];

describe("tag policy table", () => {
  for (const { policy, takes, refuses } of TABLE) {
    it(`${policy.kind} ${policy.pattern ?? ""}: takes ${takes.join(", ") || "-"}; refuses ${refuses.join(", ") || "-"}`, () => {
      expect(tagPolicyProblem(policy.kind, policy.pattern)).toBeUndefined();
      for (const tag of takes) expect({ tag, verdict: tagVerdict(policy, tag) }).toEqual({ tag, verdict: { qualifies: true } });
      for (const tag of refuses) expect({ tag, qualifies: tagVerdict(policy, tag).qualifies }).toEqual({ tag, qualifies: false });
    });
  }

  it("says why a pre-release is refused", () => {
    const verdict = tagVerdict({ kind: "semver", pattern: "^1.2.0" }, "1.3.0-rc.1");
    expect(verdict).toEqual({ qualifies: false, reason: expect.stringContaining("pre-release qualifies only when the range names a pre-release") });
  });
});

describe("semver downgrade", () => {
  const policy: TagPolicy = { kind: "semver", pattern: ">=1.0.0" };
  it("ignores a tag lower than the running version, not an equal or higher one", () => {
    expect(downgradeProblem(policy, "1.2.0", ["1.3.0", "latest"])).toBe("downgrade: 1.2.0 is lower than the running 1.3.0");
    expect(downgradeProblem(policy, "1.3.0", ["1.3.0"])).toBeUndefined();
    expect(downgradeProblem(policy, "1.4.0", ["v1.3.0"])).toBeUndefined();
    expect(downgradeProblem(policy, "1.2.0", ["latest"])).toBeUndefined();
  });
  it("has no order of versions under other policies", () => {
    expect(downgradeProblem({ kind: "any" }, "1.2.0", ["1.3.0"])).toBeUndefined();
  });
  it("orders semver candidates by version, others by registry time then arrival", () => {
    const items = [
      { tag: "1.3.0", timestamp: "2026-01-01T00:00:01Z", seq: 0 },
      { tag: "1.2.9", timestamp: "2026-01-01T00:00:02Z", seq: 1 },
    ];
    expect(newestFirst(policy, items).map((i) => i.tag)).toEqual(["1.3.0", "1.2.9"]);
    expect(newestFirst({ kind: "any" }, items).map((i) => i.tag)).toEqual(["1.2.9", "1.3.0"]);
  });
});

describe("patterns refused when the targets load", () => {
  it.each([
    ["regex", "(a+)+", /ReDoS/],
    ["regex", "(a|a)*b", /ReDoS/],
    ["regex", ".*-.*-.*", /ReDoS/],
    ["regex", "v[0-9", /not a valid regular expression/],
    ["semver", "^1.x.y", /not a semver comparator/],
    ["glob", "release/*", /tag characters/],
    ["exact", "-v1", /must be letters/],
    ["exact", undefined, /is required/],
  ] as const)("%s %s", (kind, pattern, message) => {
    expect(tagPolicyProblem(kind, pattern)).toMatch(message);
  });

  it("a ReDoS regex makes the whole targets document invalid, pointing at the pattern", () => {
    const result = parseTargetsDocument({
      targets: [
        {
          name: "web",
          containerApp: { subscriptionId: "11111111-2222-4333-8444-555555555555", resourceGroup: "rg", containerApp: "web-app" },
          image: { loginServer: "contoso.azurecr.io", repository: "team/web" },
          autoRollout: { tagPolicy: { kind: "regex", pattern: "(a+)+$" } },
        },
      ],
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues).toEqual([{ path: "/targets/0/autoRollout/tagPolicy/pattern", message: expect.stringContaining("ReDoS") }]);
  });

  it("kind any takes no pattern", () => {
    expect(tagPolicyProblem("any", "x")).toMatch(/must be left out/);
  });
});
