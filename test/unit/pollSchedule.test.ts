import { describe, expect, it } from "vitest";
import { BUILD_POLL_PROFILE, MAX_POLLS_PER_EXECUTION, VERIFY_POLL_PROFILE } from "../../src/domain/pollProfile.js";
import { confirmDelaySeconds, pollDelaySeconds, shouldContinueAsNew } from "../../src/policies/pollSchedule.js";

describe("pollDelaySeconds", () => {
  it("grows exponentially and caps", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 40].map((a) => pollDelaySeconds(BUILD_POLL_PROFILE, a))).toEqual([10, 20, 40, 80, 120, 120, 120, 120]);
    expect([0, 1, 2, 3, 4].map((a) => pollDelaySeconds(VERIFY_POLL_PROFILE, a))).toEqual([5, 10, 20, 30, 30]);
  });

  it("stays finite for huge attempt numbers", () => {
    expect(pollDelaySeconds(BUILD_POLL_PROFILE, 10_000)).toBe(120);
  });

  it("rounds fractional growth up to whole seconds", () => {
    expect([0, 1, 2].map((a) => pollDelaySeconds({ initialSeconds: 3, factor: 1.5, maxSeconds: 60 }, a))).toEqual([3, 5, 7]);
  });

  it("clips to the time left before a deadline, never below 1 s", () => {
    expect(pollDelaySeconds(BUILD_POLL_PROFILE, 4, 45)).toBe(45);
    expect(pollDelaySeconds(BUILD_POLL_PROFILE, 4, 0.2)).toBe(1);
    expect(pollDelaySeconds(BUILD_POLL_PROFILE, 4, -5)).toBe(1);
    expect(pollDelaySeconds(BUILD_POLL_PROFILE, 0, 500)).toBe(10);
  });

  it("rejects bad attempts and profiles", () => {
    expect(() => pollDelaySeconds(BUILD_POLL_PROFILE, -1)).toThrow(RangeError);
    expect(() => pollDelaySeconds(BUILD_POLL_PROFILE, 1.5)).toThrow(RangeError);
    expect(() => pollDelaySeconds({ initialSeconds: 0, factor: 2, maxSeconds: 10 }, 0)).toThrow(/initialSeconds/);
    expect(() => pollDelaySeconds({ initialSeconds: 5, factor: 0.5, maxSeconds: 10 }, 0)).toThrow(/factor/);
    expect(() => pollDelaySeconds({ initialSeconds: 5, factor: 2, maxSeconds: 4 }, 0)).toThrow(/maxSeconds/);
    expect(() => pollDelaySeconds({ initialSeconds: 5, factor: Number.NaN, maxSeconds: 10 }, 0)).toThrow(/factor/);
  });
});

describe("continueAsNew", () => {
  it("asks to continue once the per-execution poll budget is used", () => {
    expect(shouldContinueAsNew(MAX_POLLS_PER_EXECUTION - 1)).toBe(false);
    expect(shouldContinueAsNew(MAX_POLLS_PER_EXECUTION)).toBe(true);
    expect(shouldContinueAsNew(3, 3)).toBe(true);
    expect(shouldContinueAsNew(2, 3)).toBe(false);
  });
});

describe("confirmDelaySeconds (re-reads after a push signal)", () => {
  it("re-reads after 1, 2, 4 ... s, never later than the normal schedule and never below 1 s", () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => confirmDelaySeconds(a, 120))).toEqual([1, 2, 4, 8, 16, 32]);
    expect([0, 3, 9].map((a) => confirmDelaySeconds(a, 5))).toEqual([1, 5, 5]);
    expect(confirmDelaySeconds(0, 0.2)).toBe(1);
    expect(() => confirmDelaySeconds(-1, 10)).toThrow(RangeError);
  });
});
