import { describe, expect, it } from "vitest";
import { BUILD_LOG_POLL_PROFILE, BUILD_POLL_PROFILE } from "../../src/domain/pollProfile.js";
import { armReadDelaySeconds, LOG_WATCH_ARM_MAX_SECONDS } from "../../src/policies/buildWatchSchedule.js";
import { pollDelaySeconds } from "../../src/policies/pollSchedule.js";

describe("ARM reads of a build whose log is watched", () => {
  it("follow the build profile while the log has not answered", () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => armReadDelaySeconds(BUILD_POLL_PROFILE, a, false))).toEqual([10, 20, 40, 80, 120, 120]);
  });

  it("start at the profile's cap and grow to 10 minutes once the log answers (a safety net, not the detector)", () => {
    expect([0, 1, 2, 3, 10].map((a) => armReadDelaySeconds(BUILD_POLL_PROFILE, a, true))).toEqual([120, 240, 480, 600, 600]);
    expect(LOG_WATCH_ARM_MAX_SECONDS).toBe(600);
    // A profile capped above 10 minutes keeps its own cap; a fixed profile stays fixed.
    expect(armReadDelaySeconds({ initialSeconds: 60, factor: 2, maxSeconds: 900 }, 0, true)).toBe(900);
    expect(armReadDelaySeconds({ initialSeconds: 5, factor: 1, maxSeconds: 5 }, 7, true)).toBe(5);
  });

  it("still land on the deadline", () => {
    expect(armReadDelaySeconds(BUILD_POLL_PROFILE, 3, true, 42.5)).toBe(43);
    expect(armReadDelaySeconds(BUILD_POLL_PROFILE, 3, true, -1)).toBe(1);
  });
});

describe("the log check interval", () => {
  it("is a fixed 3 s by default: a build's end is noticed within 3 s, under the 5 s target with margin", () => {
    expect([0, 1, 50, 5_000].map((a) => pollDelaySeconds(BUILD_LOG_POLL_PROFILE, a))).toEqual([3, 3, 3, 3]);
  });
});
