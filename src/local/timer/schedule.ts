/**
 * Timer trigger schedules as the host's timer extension reads them (azure-webjobs-sdk-extensions,
 * Extensions/Timers/Scheduling/TimerSchedule.cs): a value with spaces is an NCRONTAB expression with
 * six fields (`{second} {minute} {hour} {day} {month} {day-of-week}`, CronSchedule.cs over the NCrontab
 * library with `IncludingSeconds`); otherwise a TimeSpan `hh:mm:ss` (ConstantSchedule.cs). `%NAME%`
 * is resolved from app settings first, as the host's name resolver does. Times are UTC: the local
 * runtime behaves like a Functions app without `WEBSITE_TIME_ZONE`.
 */

/** A parsed schedule that yields its next occurrence after a time. */
export interface TimerSchedule {
  /** The first occurrence strictly after `after` (epoch ms). */
  nextAfter(after: number): number;
  /** The schedule as written, for logs. */
  readonly text: string;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

// NCrontab's CrontabFieldKind ranges; month and day-of-week accept three-letter names (case-insensitive).
const FIELDS: readonly FieldSpec[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day-of-week", min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

/** Raised for a schedule the host would refuse at indexing. */
export class InvalidScheduleError extends Error {
  constructor(schedule: string, reason: string) {
    super(`The schedule expression '${schedule}' was not recognized as a valid cron expression or timespan string: ${reason}`);
    this.name = "InvalidScheduleError";
  }
}

function parseValue(text: string, spec: FieldSpec, schedule: string): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) throw new InvalidScheduleError(schedule, `${spec.name} value ${value} is outside ${spec.min}-${spec.max}`);
    return value;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index === -1) throw new InvalidScheduleError(schedule, `'${text}' is not a valid ${spec.name} value`);
  return index + spec.min;
}

function parseField(text: string, spec: FieldSpec, schedule: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [rangeText = "", stepText, extra] = part.split("/");
    if (extra !== undefined || rangeText === "") throw new InvalidScheduleError(schedule, `'${part}' is not a valid ${spec.name} field`);
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) ? Number(stepText) : NaN;
    if (!Number.isInteger(step) || step < 1) throw new InvalidScheduleError(schedule, `'${part}' has an invalid step`);
    let from: number;
    let to: number;
    if (rangeText === "*") {
      [from, to] = [spec.min, spec.max];
    } else if (rangeText.includes("-")) {
      const [a = "", b = ""] = rangeText.split("-");
      [from, to] = [parseValue(a, spec, schedule), parseValue(b, spec, schedule)];
      if (from > to) throw new InvalidScheduleError(schedule, `'${rangeText}' is an empty ${spec.name} range`);
    } else {
      from = parseValue(rangeText, spec, schedule);
      // NCrontab reads "a/n" as "a through the field's maximum, every n".
      to = stepText === undefined ? from : spec.max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

class CronSchedule implements TimerSchedule {
  private readonly fields: Set<number>[];

  constructor(readonly text: string) {
    const parts = text.trim().split(/\s+/);
    // The Functions host uses NCrontab with seconds: exactly six fields.
    if (parts.length !== 6) throw new InvalidScheduleError(text, `expected 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), found ${parts.length}`);
    this.fields = parts.map((part, i) => parseField(part, FIELDS[i] as FieldSpec, text));
  }

  nextAfter(after: number): number {
    const [seconds, minutes, hours, days, months, weekdays] = this.fields as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
    const t = new Date(Math.floor(after / 1000) * 1000 + 1000);
    // Bounded search: five years covers any valid expression (Feb 29 on a given weekday recurs within 28 years
    // only for contrived ones; NCrontab also gives up at its end date).
    const limit = after + 5 * 366 * 86_400_000;
    while (t.getTime() <= limit) {
      if (!months.has(t.getUTCMonth() + 1)) {
        t.setUTCMonth(t.getUTCMonth() + 1, 1);
        t.setUTCHours(0, 0, 0, 0);
        continue;
      }
      // NCrontab requires day-of-month AND day-of-week to match (unlike Vixie cron's OR).
      if (!days.has(t.getUTCDate()) || !weekdays.has(t.getUTCDay())) {
        t.setUTCDate(t.getUTCDate() + 1);
        t.setUTCHours(0, 0, 0, 0);
        continue;
      }
      if (!hours.has(t.getUTCHours())) {
        t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
        continue;
      }
      if (!minutes.has(t.getUTCMinutes())) {
        t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
        continue;
      }
      if (!seconds.has(t.getUTCSeconds())) {
        t.setUTCSeconds(t.getUTCSeconds() + 1, 0);
        continue;
      }
      return t.getTime();
    }
    return Number.POSITIVE_INFINITY;
  }
}

class ConstantSchedule implements TimerSchedule {
  constructor(
    readonly text: string,
    private readonly intervalMs: number,
  ) {}

  nextAfter(after: number): number {
    return after + this.intervalMs;
  }
}

// .NET TimeSpan.Parse's common forms: [d.]hh:mm[:ss[.fff]].
function parseTimeSpan(text: string): number | undefined {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/.exec(text.trim());
  if (!match) return undefined;
  const [, d = "0", h = "0", m = "0", s = "0", f = "0"] = match;
  if (Number(h) > 23 || Number(m) > 59 || Number(s) > 59) return undefined;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60_000 + Number(s) * 1000 + Math.round(Number(`0.${f}`) * 1000);
}

/** Resolves `%SETTING%` from app settings, as the host's INameResolver does for the schedule property. */
export function resolveScheduleSetting(schedule: string, env: NodeJS.ProcessEnv): string {
  const match = /^%([^%]+)%$/.exec(schedule.trim());
  if (!match) return schedule;
  const value = env[match[1] as string];
  if (value === undefined) throw new InvalidScheduleError(schedule, `app setting '${match[1]}' is not set`);
  return value;
}

/** Parses a schedule the way TimerSchedule.Create does (cron with spaces, else TimeSpan). */
export function parseSchedule(schedule: string): TimerSchedule {
  if (schedule.trim().includes(" ")) return new CronSchedule(schedule);
  const interval = parseTimeSpan(schedule);
  if (interval === undefined || interval <= 0) throw new InvalidScheduleError(schedule, "not a 6-field NCRONTAB expression or an hh:mm:ss interval");
  return new ConstantSchedule(schedule, interval);
}
