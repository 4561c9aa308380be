import { describe, expect, it } from "vitest";
import { BUILD_POLL_PROFILE, DEPLOY_POLL_PROFILE, MAX_POLLS_PER_EXECUTION, VERIFY_POLL_PROFILE } from "../../src/domain/pollProfile.js";
import { HISTORY_EVENTS_PER_POLL, HISTORY_EVENTS_PER_POLL_WITH_EPISODES, assertPollProfile, estimateHistoryEvents, historyEventsForWait, pollAttemptAfter, pollDelaySeconds, pollDelaysForWait, pollsForWait, shouldContinueAsNew } from "../../src/policies/pollSchedule.js";

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
    expect(() => assertPollProfile({ initialSeconds: 0, factor: 2, maxSeconds: 10 })).toThrow(/initialSeconds/);
    expect(() => assertPollProfile({ initialSeconds: 5, factor: 0.5, maxSeconds: 10 })).toThrow(/factor/);
    expect(() => assertPollProfile({ initialSeconds: 5, factor: 2, maxSeconds: 4 })).toThrow(/maxSeconds/);
    expect(() => assertPollProfile({ initialSeconds: 5, factor: Number.NaN, maxSeconds: 10 })).toThrow(/factor/);
  });
});

describe("pollAttemptAfter", () => {
  it("resumes the schedule from elapsed time", () => {
    expect(pollAttemptAfter(BUILD_POLL_PROFILE, 0)).toBe(0);
    expect(pollAttemptAfter(BUILD_POLL_PROFILE, 9)).toBe(0);
    expect(pollAttemptAfter(BUILD_POLL_PROFILE, 10)).toBe(1);
    expect(pollAttemptAfter(BUILD_POLL_PROFILE, 150)).toBe(4);
    expect(pollAttemptAfter(BUILD_POLL_PROFILE, 269)).toBe(4);
    expect(pollAttemptAfter(BUILD_POLL_PROFILE, 270)).toBe(5);
  });
});

describe("wait costs", () => {
  it("counts polls until the cumulative delay reaches the wait", () => {
    expect(pollDelaysForWait(BUILD_POLL_PROFILE, 0)).toEqual([]);
    expect(pollDelaysForWait(BUILD_POLL_PROFILE, 1)).toEqual([10]);
    expect(pollDelaysForWait(BUILD_POLL_PROFILE, 10)).toEqual([10]);
    expect(pollDelaysForWait(BUILD_POLL_PROFILE, 11)).toEqual([10, 20]);
    expect(pollsForWait(BUILD_POLL_PROFILE, 1800)).toBe(18);
    expect(pollsForWait(VERIFY_POLL_PROFILE, 300)).toBe(12);
    expect(() => pollDelaysForWait(BUILD_POLL_PROFILE, -1)).toThrow(RangeError);
  });

  it("prices a wait in history events", () => {
    expect(historyEventsForWait(BUILD_POLL_PROFILE, 1800)).toBe(18 * HISTORY_EVENTS_PER_POLL);
    expect(historyEventsForWait(BUILD_POLL_PROFILE, 1800, HISTORY_EVENTS_PER_POLL_WITH_EPISODES)).toBe(18 * 8);
  });

  it("fits a 30-minute build plus a 5-minute deploy in 150 history events (activity 2 + timer 2 per poll)", () => {
    const events = estimateHistoryEvents({
      waits: [
        { profile: BUILD_POLL_PROFILE, seconds: 30 * 60 },
        { profile: DEPLOY_POLL_PROFILE, seconds: 60 },
        { profile: VERIFY_POLL_PROFILE, seconds: 4 * 60 },
      ],
      // schedule run, resolve digest, read app, PATCH, read revision for rollback data, notify
      activities: 6,
    });
    expect(events).toBeLessThanOrEqual(150);
    expect(events).toBe(2 + 6 * 2 + 18 * 4 + 4 * 4 + 10 * 4);
  });

  it("would not fit with a fixed 10 s poll, which is why the schedule backs off", () => {
    const fixed = { initialSeconds: 10, factor: 1, maxSeconds: 10 };
    expect(estimateHistoryEvents({ waits: [{ profile: fixed, seconds: 35 * 60 }], activities: 6 })).toBeGreaterThan(800);
  });
});

describe("continueAsNew", () => {
  it("asks to continue once the per-execution poll budget is used", () => {
    expect(shouldContinueAsNew(MAX_POLLS_PER_EXECUTION - 1)).toBe(false);
    expect(shouldContinueAsNew(MAX_POLLS_PER_EXECUTION)).toBe(true);
    expect(shouldContinueAsNew(3, 3)).toBe(true);
    expect(shouldContinueAsNew(2, 3)).toBe(false);
  });

  it("keeps one execution's history bounded even counting replay episodes", () => {
    expect(MAX_POLLS_PER_EXECUTION * HISTORY_EVENTS_PER_POLL_WITH_EPISODES + 10).toBeLessThanOrEqual(150);
  });
});
