/**
 * Runs a local service binary (docker-registry, Azurite) as a child process that cannot outlive us.
 *
 * The service is started through a tiny Node supervisor that holds our end of a stdin pipe: when we
 * stop it, or when this process dies for any reason (even SIGKILL), the pipe closes, the supervisor
 * sees end-of-file, terminates the service (SIGTERM, then SIGKILL after a grace period) and exits.
 * That covers parent crashes without installing signal handlers on the host process.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** How to launch a supervised service and recognise that it is up. */
export interface SupervisedProcessOptions {
  /** Short name used in error messages. */
  name: string;
  command: string;
  args: string[];
  /** The complete environment of the service (nothing is inherited, so stray config variables can't leak in). */
  env: Record<string, string>;
  cwd?: string;
  /** Matched against each output line (stdout and stderr); the first match means "started". */
  readyPattern: RegExp;
  /** Give up (and kill the service) when it hasn't printed the ready line by then. */
  startTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL when stopping. */
  stopGraceMs?: number;
}

/** A running supervised service. */
export interface SupervisedProcess {
  /** The ready line's match (capture groups carry e.g. the bound port). */
  readyMatch: RegExpMatchArray;
  /** The last output lines, for diagnostics. */
  recentOutput(): string[];
  /** Resolves with the exit code once the service (and its supervisor) have exited. */
  exited: Promise<number | null>;
  /** Terminates the service and waits for it to exit; safe to call more than once. */
  stop(): Promise<void>;
}

// The supervisor, passed to `node -e`. argv: [node, graceMs, command, ...args]. It forwards the
// service's output, and turns stdin EOF or SIGTERM/SIGINT into a bounded shutdown of the service.
const SUPERVISOR_SOURCE = `
const { spawn } = require("node:child_process");
const [graceText, command, ...args] = process.argv.slice(1);
const grace = Number(graceText);
const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
child.stdout.pipe(process.stdout);
child.stderr.pipe(process.stderr);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  setTimeout(() => { try { child.kill("SIGKILL"); } catch {} process.exit(1); }, grace).unref();
};
child.on("error", (error) => { process.stderr.write("supervisor: " + error.message + "\\n"); process.exit(127); });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
`;

const MAX_REMEMBERED_LINES = 50;

/** The `node` arguments that run `command args…` under the supervisor (its stdin must be a pipe we hold). */
export function supervisorArgs(command: string, args: string[], stopGraceMs: number): string[] {
  return ["-e", SUPERVISOR_SOURCE, "--", String(stopGraceMs), command, ...args];
}

/** Starts `command` under a supervisor and resolves once its output matches `readyPattern`. */
export async function startSupervisedProcess(options: SupervisedProcessOptions): Promise<SupervisedProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const stopGraceMs = options.stopGraceMs ?? 5_000;
  const child: ChildProcess = spawn(process.execPath, supervisorArgs(options.command, options.args, stopGraceMs), {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin?.end();
        const timer = setTimeout(() => child.kill("SIGKILL"), stopGraceMs + 1_000);
        timer.unref();
        await exited;
        clearTimeout(timer);
      }
    })();
    return stopped;
  };

  const readyMatch = await new Promise<RegExpMatchArray>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, match?: RegExpMatchArray): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else if (match) resolve(match);
    };
    const timer = setTimeout(
      () => finish(new Error(`${options.name} did not start within ${startTimeoutMs} ms. Last output:\n${lines.join("\n")}`)),
      startTimeoutMs,
    );
    const onChunk = (chunk: Buffer): void => {
      for (const line of chunk.toString("utf8").split(/\r?\n/)) {
        if (!line) continue;
        lines.push(line);
        if (lines.length > MAX_REMEMBERED_LINES) lines.shift();
        const match = options.readyPattern.exec(line);
        if (match) finish(undefined, match);
      }
    };
    // Keep draining output for the service's whole life so a chatty service never blocks on a full pipe.
    child.stdout?.on("data", onChunk);
    child.stderr?.on("data", onChunk);
    child.once("error", (error) => finish(new Error(`${options.name} could not be started: ${error.message}`)));
    void exited.then((code) =>
      finish(new Error(`${options.name} exited with code ${String(code)} before it was ready. Last output:\n${lines.join("\n")}`)),
    );
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return { readyMatch, recentOutput: () => [...lines], exited, stop };
}

/** The minimal environment a service gets: enough to run, nothing that could configure it behind our back. */
export function minimalServiceEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin" };
  if (process.env.HOME) env.HOME = process.env.HOME;
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return { ...env, ...extra };
}
