/**
 * Runs `app.timer` functions on the runtime's clock the way the host's timer extension does
 * (azure-webjobs-sdk-extensions, Extensions/Timers/Listener/TimerListener.cs): at start a function
 * whose recorded `Next` has passed runs once with `IsPastDue: true`, else one with `runOnStartup` runs
 * once; then every occurrence of its schedule runs it. A failed invocation does not stop the schedule.
 * Schedule status (Last/Next/LastUpdated) is kept per function in `<dataDir>/timers.json`, as the
 * host's schedule monitor keeps it in storage, and is only handed to (and recorded for) functions
 * whose `useMonitor` is on.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Clock } from "../../common/clock.js";
import { parseSchedule, resolveScheduleSetting, type TimerSchedule } from "./schedule.js";

/** One timer function to run. */
export interface TimerFunction {
  name: string;
  schedule: string;
  runOnStartup?: boolean;
  useMonitor?: boolean;
}

/** The TimerInfo JSON the host sends the worker (Newtonsoft, PascalCase; the library camel-cases it). */
export interface TimerInfoWire {
  Schedule: { AdjustForDST: boolean };
  ScheduleStatus: { Last: string; Next: string; LastUpdated: string } | null;
  IsPastDue: boolean;
}

/** Runs one invocation; rejects when the function failed. */
export type TimerInvoker = (functionName: string, timerInfo: TimerInfoWire) => Promise<void>;

interface Status {
  last: number | null;
  next: number;
  lastUpdated: number;
}

// DateTime.MinValue as Newtonsoft writes default(DateTime).
const MIN_DATE_TEXT = "0001-01-01T00:00:00";

/** A DateTime as Newtonsoft writes a local-kind value on a UTC machine: 7 fraction digits and +00:00. */
export function formatHostDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000+00:00");
}

/** Whether the host's default `useMonitor` applies: on, unless occurrences are under a minute apart (docs: "Timer trigger for Azure Functions", useMonitor). */
function defaultUseMonitor(schedule: TimerSchedule, now: number): boolean {
  const first = schedule.nextAfter(now);
  return schedule.nextAfter(first) - first >= 60_000;
}

/** What {@link startTimerTriggers} needs. */
export interface TimerTriggerOptions {
  functions: readonly TimerFunction[];
  clock: Clock;
  invoke: TimerInvoker;
  /** Where schedule status is kept; undefined keeps it in memory. */
  statusFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Told about failures of the status file (the schedule keeps running). */
  onError?: (functionName: string, error: unknown) => void;
}

/** The running timers. */
export interface TimerTriggers {
  /** Resolves when no timer invocation is running. */
  idle(): Promise<void>;
  /** The next scheduled occurrence of each function (epoch ms), for `--print-functions` and tests. */
  nextOccurrences(): ReadonlyMap<string, number>;
  /** Cancels every armed timer and waits for running invocations. */
  stop(): Promise<void>;
}

interface Entry {
  fn: TimerFunction;
  schedule: TimerSchedule;
  useMonitor: boolean;
  status: Status;
  cancel?: () => void;
}

async function readStatusFile(file: string | undefined): Promise<Record<string, Status>> {
  if (!file) return {};
  try {
    const parsed: unknown = JSON.parse(await readFile(file, "utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, Status>) : {};
  } catch {
    return {};
  }
}

/** Parses every schedule (throwing for one the host would refuse), runs start-up invocations and arms the timers. */
export async function startTimerTriggers(options: TimerTriggerOptions): Promise<TimerTriggers> {
  const { clock, invoke } = options;
  const env = options.env ?? process.env;
  const stored = await readStatusFile(options.statusFile);
  const running = new Set<Promise<void>>();
  let stopped = false;
  let writing: Promise<void> = Promise.resolve();

  const entries: Entry[] = options.functions.map((fn) => {
    const schedule = parseSchedule(resolveScheduleSetting(fn.schedule, env));
    const now = clock.now();
    const useMonitor = fn.useMonitor ?? defaultUseMonitor(schedule, now);
    return { fn, schedule, useMonitor, status: { last: null, next: schedule.nextAfter(now), lastUpdated: now } };
  });

  const save = (): void => {
    const file = options.statusFile;
    if (!file) return;
    const content: Record<string, Status> = {};
    for (const entry of entries) if (entry.useMonitor) content[entry.fn.name.toLowerCase()] = entry.status;
    writing = writing.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
    }).catch((error: unknown) => options.onError?.("timers", error));
  };

  const timerInfo = (entry: Entry, isPastDue: boolean): TimerInfoWire => ({
    Schedule: { AdjustForDST: true },
    ScheduleStatus: entry.useMonitor
      ? { Last: entry.status.last === null ? MIN_DATE_TEXT : formatHostDate(entry.status.last), Next: formatHostDate(entry.status.next), LastUpdated: formatHostDate(entry.status.lastUpdated) }
      : null,
    IsPastDue: isPastDue,
  });

  // TimerListener.InvokeJobFunction: run, swallow the failure, then record Last/Next from the
  // (possibly adjusted) invocation time.
  const run = (entry: Entry, invocationTime: number, kind: "schedule" | "pastDue" | "startup"): Promise<void> => {
    const job = (async () => {
      try {
        await invoke(entry.fn.name, timerInfo(entry, kind === "pastDue"));
      } catch {
        // The host logs the failure with the invocation; the schedule goes on.
      }
      const adjusted = kind === "schedule" && entry.status.next > invocationTime ? entry.status.next : invocationTime;
      entry.status = { last: adjusted, next: entry.schedule.nextAfter(adjusted), lastUpdated: adjusted };
      if (entry.useMonitor) save();
    })();
    running.add(job);
    void job.finally(() => running.delete(job));
    return job;
  };

  const arm = (entry: Entry): void => {
    if (stopped) return;
    const next = Math.max(entry.status.next, clock.now());
    if (!Number.isFinite(next)) return;
    entry.cancel = clock.schedule(next, () => {
      entry.cancel = undefined;
      void run(entry, clock.now(), "schedule").then(() => arm(entry));
    });
  };

  for (const entry of entries) {
    const now = clock.now();
    const recorded = entry.useMonitor ? stored[entry.fn.name.toLowerCase()] : undefined;
    // ScheduleMonitor.CheckPastDueAsync: past due when the recorded Next is before now.
    const pastDue = recorded !== undefined && typeof recorded.next === "number" && recorded.next < now;
    if (recorded && typeof recorded.next === "number") entry.status = { last: recorded.last ?? null, next: pastDue ? recorded.next : entry.schedule.nextAfter(now), lastUpdated: recorded.lastUpdated };
    if (pastDue) await run(entry, now, "pastDue");
    else if (entry.fn.runOnStartup) await run(entry, now, "startup");
    else if (entry.useMonitor) save();
    arm(entry);
  }

  return {
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    nextOccurrences() {
      return new Map(entries.map((e) => [e.fn.name, e.status.next]));
    },
    async stop() {
      stopped = true;
      for (const entry of entries) entry.cancel?.();
      while (running.size > 0) await Promise.all([...running]);
      await writing;
    },
  };
}
