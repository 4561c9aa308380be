/**
 * Timer schedules as the host reads them: NCRONTAB with seconds (six fields; NCrontab's day-of-month
 * AND day-of-week rule, names, ranges, steps) and TimeSpan intervals (azure-webjobs-sdk-extensions,
 * Extensions/Timers/Scheduling/TimerSchedule.cs, CronSchedule.cs, ConstantSchedule.cs).
 */
import { describe, expect, it } from "vitest";
import { InvalidScheduleError, parseSchedule, resolveScheduleSetting } from "../../../src/local/timer/schedule.js";

const at = (iso: string): number => Date.parse(iso);
const next = (schedule: string, after: string): string => new Date(parseSchedule(schedule).nextAfter(at(after))).toISOString();

describe("timer schedules", () => {
  it("reads six-field NCRONTAB expressions", () => {
    expect(next("0 */5 * * * *", "2026-03-02T00:00:00Z")).toBe("2026-03-02T00:05:00.000Z");
    expect(next("0 */5 * * * *", "2026-03-02T00:04:59.999Z")).toBe("2026-03-02T00:05:00.000Z");
    expect(next("*/10 * * * * *", "2026-03-02T00:00:05Z")).toBe("2026-03-02T00:00:10.000Z");
    expect(next("0 30 9 * * Mon-Fri", "2026-03-06T10:00:00Z")).toBe("2026-03-09T09:30:00.000Z"); // Friday after 9:30 -> Monday
    expect(next("0 0 0 1 Jan,Jul *", "2026-03-02T00:00:00Z")).toBe("2026-07-01T00:00:00.000Z");
    expect(next("5/20 0 0 * * *", "2026-03-02T00:00:06Z")).toBe("2026-03-02T00:00:25.000Z");
    expect(next("0 0 12 1-7 * 1", "2026-03-02T13:00:00Z")).toBe("2026-04-06T12:00:00.000Z"); // day AND weekday: first Monday
  });

  it("reads TimeSpan intervals and %SETTING% references", () => {
    expect(next("00:10:00", "2026-03-02T00:00:01Z")).toBe("2026-03-02T00:10:01.000Z");
    expect(resolveScheduleSetting("%SCAN%", { SCAN: "0 0 * * * *" })).toBe("0 0 * * * *");
    expect(() => resolveScheduleSetting("%MISSING%", {})).toThrow(InvalidScheduleError);
  });

  it("refuses what the host refuses", () => {
    for (const bad of ["*/5 * * * *", "0 60 * * * *", "0 0 25 * * *", "0 0 0 * Foo *", "0 5-1 * * * *", "0 */0 * * * *", "soon", "25:00:00"]) {
      expect(() => parseSchedule(bad), bad).toThrow(InvalidScheduleError);
    }
  });
});
