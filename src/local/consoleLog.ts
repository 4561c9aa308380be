/**
 * What `npm start` prints after "Ready": the functions' own log lines (`context.log`, which the
 * Functions host sends to Application Insights in Azure), the runtime's (such as how many instances
 * it resumed), and one line per HTTP request unless `--quiet` or `ACA_ROLLOUT_LOG_REQUESTS=false`
 * turns request lines off. Warnings and errors go to stderr, the rest to stdout.
 */
import type { FunctionLogEntry, FunctionLogger } from "./http/invokeHttpFunction.js";
import { formatRequestLine, type RequestLogger } from "./http/requestLog.js";

/** The setting that turns request lines off (`false`) or on (`true`, the default). */
export const LOG_REQUESTS_SETTING = "ACA_ROLLOUT_LOG_REQUESTS";

/** The command-line flag that turns request lines off. */
export const QUIET_FLAG = "--quiet";

/** Where lines go and how they are stamped. */
export interface ConsoleSinks {
  out(line: string): void;
  err(line: string): void;
  now(): Date;
}

/** The loggers `npm start` hands the runtime. */
export interface ConsoleLoggers {
  log: FunctionLogger;
  /** Undefined when request lines are off. */
  requestLog: RequestLogger | undefined;
}

/** Whether request lines are on: not with `--quiet`, not with the setting `false`. Throws on another value. */
export function requestLinesEnabled(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (argv.includes(QUIET_FLAG)) return false;
  const raw = env[LOG_REQUESTS_SETTING]?.trim().toLowerCase();
  if (raw === undefined || raw === "" || raw === "true") return true;
  if (raw === "false") return false;
  throw new Error(`${LOG_REQUESTS_SETTING} must be true or false, got '${env[LOG_REQUESTS_SETTING] ?? ""}'.`);
}

const processSinks: ConsoleSinks = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  now: () => new Date(),
};

function isProblem(entry: FunctionLogEntry): boolean {
  return entry.level === "error" || entry.level === "critical" || entry.level === "warning";
}

/** Builds the function logger and, when request lines are on, the request logger. */
export function consoleLoggers(requestLines: boolean, sinks: ConsoleSinks = processSinks): ConsoleLoggers {
  const log: FunctionLogger = (entry) => {
    const line = `[${sinks.now().toISOString()}] ${entry.level} ${entry.functionName}: ${entry.message}`;
    if (isProblem(entry)) sinks.err(line);
    else sinks.out(line);
  };
  const requestLog: RequestLogger | undefined = requestLines ? (entry) => sinks.out(`[${sinks.now().toISOString()}] ${formatRequestLine(entry)}`) : undefined;
  return { log, requestLog };
}
