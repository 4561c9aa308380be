import { describe, expect, it } from "vitest";
import { expectedWeight, rolloutTraffic } from "../../src/policies/rolloutTraffic.js";

describe("rolloutTraffic", () => {
  it("expects 100% in Single mode and checks nothing without ingress", () => {
    expect(rolloutTraffic("Single", [{ revisionName: "web--old", weight: 100 }], "web--new")).toEqual({ expected: 100, move: false });
    expect(rolloutTraffic("Multiple", undefined, "web--new")).toEqual({ expected: undefined, move: false });
  });

  it("keeps a canary weight configured as the latestRevision rule", () => {
    const traffic = [{ latestRevision: true, weight: 20 }, { revisionName: "web--old", weight: 80 }];
    expect(rolloutTraffic("Multiple", traffic, "web--new")).toEqual({ expected: 20, move: false });
  });

  it("moves 100% to the new revision when the rules pin all traffic to a named revision", () => {
    expect(rolloutTraffic("Multiple", [{ revisionName: "web--old", weight: 100 }], "web--new")).toEqual({ expected: 100, move: true });
    expect(rolloutTraffic("Multiple", [], "web--new")).toEqual({ expected: 100, move: true });
  });

  it("counts rules naming the revision, case-insensitively", () => {
    expect(expectedWeight([{ revisionName: "WEB--New", weight: 30 }, { latestRevision: true, weight: 10 }, { revisionName: "web--old", weight: 60 }], "web--new")).toBe(40);
    expect(expectedWeight(undefined, "web--new")).toBeUndefined();
  });
});
