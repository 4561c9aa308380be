/**
 * What a run request asks BuildKit to do, read the way the agent would: for a task, from its build
 * command after `{{.Values.x}}` substitution (`--file`, `--target`, `--cache-from`, `--cache-to`,
 * `--no-cache`) and the values holding build args; for a DockerBuildRequest, from its fields (a
 * quick build has no cache: ACR agents start empty, Azure/acr#204).
 */
import { substituteRunVariables, type ParsedRunRequest } from "./runRequest.js";

/** The build's Dockerfile, target, args and registry cache. */
export interface BuildOptions {
  dockerfile: string;
  target: string | undefined;
  buildArgs: Record<string, string>;
  /** The registry cache's ref, when the build names one (`--cache-from` or `--cache-to`). */
  cacheRef: string | undefined;
  /** Whether the build imports the cache (`--cache-from`, without `--no-cache`). */
  readCache: boolean;
  /** Whether the build exports its cache (`--cache-to`). */
  writeCache: boolean;
}

function flag(command: string, names: string[]): string | undefined {
  for (const name of names) {
    const match = new RegExp(`(?:^|\\s)${name}(?:=|\\s+)(['"]?)([^'"\\s]+)\\1`).exec(command);
    if (match?.[2]) return match[2];
  }
  return undefined;
}

function splitArg(text: string): [string, string] | undefined {
  const equals = text.indexOf("=");
  return equals > 0 ? [text.slice(0, equals), text.slice(equals + 1)] : undefined;
}

/** The build options of a run request. */
export function buildOptionsOf(request: ParsedRunRequest, run: { runId: string; loginServer: string }): BuildOptions {
  if (request.type === "DockerBuildRequest") {
    const raw = request.raw;
    return {
      dockerfile: typeof raw.dockerFilePath === "string" ? raw.dockerFilePath : "Dockerfile",
      target: typeof raw.target === "string" ? raw.target : undefined,
      buildArgs: { ...request.values },
      cacheRef: undefined,
      readCache: false,
      writeCache: false,
    };
  }
  const command = substituteRunVariables(request.taskYaml ?? "", request.values, run);
  const cacheFrom = flag(command, ["--cache-from"]);
  const cacheTo = flag(command, ["--cache-to"]);
  const cacheRef = /ref=([^,'"\s]+)/.exec(cacheFrom ?? cacheTo ?? "")?.[1];
  const noCache = /(?:^|\s)--no-cache(?:\s|$)/.test(command);
  const buildArgs: Record<string, string> = {};
  // The task renders these `buildArgN` slots into `--build-arg` flags (a Go template the sandbox does not run).
  for (const [name, value] of Object.entries(request.values)) {
    const pair = /^buildArg\d+$/.test(name) ? splitArg(value) : undefined;
    if (pair) buildArgs[pair[0]] = pair[1];
  }
  return {
    dockerfile: flag(command, ["--file", "-f"]) ?? request.values.dockerfile ?? "Dockerfile",
    target: flag(command, ["--target"]),
    buildArgs,
    cacheRef,
    readCache: cacheRef !== undefined && cacheFrom !== undefined && !noCache,
    writeCache: cacheRef !== undefined && cacheTo !== undefined,
  };
}
