/**
 * The CLI's settings: each from its option, else its environment variable, else its default (the
 * README's CLI section lists them). Missing required ones are usage errors (exit code 2).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "./exitCodes.js";
import type { CliIo } from "./io.js";

/** Environment variables the CLI reads. */
export const CLI_ENV = {
  url: "ACA_ROLLOUT_URL",
  key: "ACA_ROLLOUT_KEY",
  target: "ACA_ROLLOUT_TARGET",
  caFile: "ACA_ROLLOUT_CA_FILE",
  warnContextMb: "ACA_ROLLOUT_CONTEXT_WARN_MB",
  pollSeconds: "ACA_ROLLOUT_POLL_SECONDS",
} as const;

/** Where the orchestrator runs when nothing says otherwise: `npm start`'s local runtime. */
export const DEFAULT_URL = "http://localhost:7071";

/** How to reach the orchestrator. */
export interface Connection {
  /** Base URL without `/api`. */
  readonly url: string;
  readonly key: string;
  /** Extra CA certificates (PEM) to trust. */
  readonly caPem?: string;
}

/** Options every command that talks to the orchestrator accepts. */
export interface ConnectionOptions {
  url?: string;
  key?: string;
  caFile?: string;
}

/** The connection from options and environment; no key is a usage error. */
export function connectionOf(options: ConnectionOptions, io: CliIo): Connection {
  const url = (options.url ?? io.env[CLI_ENV.url] ?? DEFAULT_URL).replace(/\/+$/, "").replace(/\/api$/, "");
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--url must be an http(s) URL, not ${JSON.stringify(url)}`);
  const key = options.key ?? io.env[CLI_ENV.key] ?? localRuntimeKey(url, io);
  if (key === undefined || key === "") throw new UsageError(`a function key is required: --key <key> or ${CLI_ENV.key} (npm start prints it)`);
  const caFile = options.caFile ?? io.env[CLI_ENV.caFile];
  let caPem: string | undefined;
  if (caFile !== undefined && caFile !== "") {
    try {
      caPem = readFileSync(resolve(io.cwd, caFile), "utf8");
    } catch {
      throw new UsageError(`cannot read the CA file ${caFile}`);
    }
  }
  return { url, key, ...(caPem !== undefined ? { caPem } : {}) };
}

/**
 * `npm start`'s function key, for a local URL only: the local runtime keeps it in
 * `<data dir>/keys.json` (`ACA_ROLLOUT_DATA_DIR`, default `.aca-rollout`, from the folder it was started
 * in), so the CLI run from that folder needs no `--key`. A remote orchestrator always needs one.
 */
function localRuntimeKey(url: string, io: CliIo): string | undefined {
  try {
    if (!["localhost", "127.0.0.1", "[::1]"].includes(new URL(url).hostname)) return undefined;
    const stored: unknown = JSON.parse(readFileSync(resolve(io.cwd, io.env["ACA_ROLLOUT_DATA_DIR"] || ".aca-rollout", "keys.json"), "utf8"));
    const functionKey = typeof stored === "object" && stored !== null ? (stored as { functionKey?: unknown }).functionKey : undefined;
    return typeof functionKey === "string" && functionKey !== "" ? functionKey : undefined;
  } catch {
    return undefined;
  }
}

/** A positive number from an option or environment variable, else `fallback`. */
export function numberSetting(value: string | undefined, envName: string, io: CliIo, fallback: number): number {
  const raw = value ?? io.env[envName];
  if (raw === undefined || raw === "") return fallback;
  const number = Number(raw);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${envName} (or its option) must be a positive number, not ${JSON.stringify(raw)}`);
  return number;
}
