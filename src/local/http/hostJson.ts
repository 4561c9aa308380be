/**
 * The bits of host.json the local host honours: `extensions.http.routePrefix` (default `api`) and
 * `extensions.durableTask.overridableExistingInstanceStates` (default `NonRunningStates`). Read once
 * at start-up; the file is found next to package.json whether running from `src/` or `dist/`.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { DEFAULT_OVERRIDABLE_STATES, type OverridableStates } from "../engine/api.js";

/** The Functions host's default route prefix. */
export const DEFAULT_ROUTE_PREFIX = "api";

/** Candidate host.json locations: the project root seen from src/local/http and from dist/src/local/http. */
export function defaultHostJsonPaths(): string[] {
  return ["../../../host.json", "../../../../host.json"].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
}

/** Extracts the route prefix from parsed host.json content. */
export function routePrefixFrom(hostJson: unknown): string {
  if (typeof hostJson !== "object" || hostJson === null) return DEFAULT_ROUTE_PREFIX;
  const extensions = (hostJson as Record<string, unknown>).extensions;
  if (typeof extensions !== "object" || extensions === null) return DEFAULT_ROUTE_PREFIX;
  const http = (extensions as Record<string, unknown>).http;
  if (typeof http !== "object" || http === null) return DEFAULT_ROUTE_PREFIX;
  const prefix = (http as Record<string, unknown>).routePrefix;
  return typeof prefix === "string" ? prefix.replace(/^\/+|\/+$/g, "") : DEFAULT_ROUTE_PREFIX;
}

/** The parsed content of the first host.json found, or undefined when there is none. */
export async function readHostJson(paths: readonly string[] = defaultHostJsonPaths()): Promise<unknown> {
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      continue;
    }
    return JSON.parse(text) as unknown;
  }
  return undefined;
}

/** Reads the route prefix from the first host.json found (default `api` when there is none). */
export async function readRoutePrefix(paths: readonly string[] = defaultHostJsonPaths()): Promise<string> {
  return routePrefixFrom(await readHostJson(paths));
}

/**
 * `extensions.durableTask.overridableExistingInstanceStates`, matched without regard to case as the
 * host binds enum options; absent means the extension's default. Any other value stops start-up,
 * as the real host refuses options it cannot bind.
 */
export function overridableStatesFrom(hostJson: unknown): OverridableStates {
  const durableTask = asObject(asObject(asObject(hostJson)?.extensions)?.durableTask);
  const value = durableTask?.overridableExistingInstanceStates;
  if (value === undefined) return DEFAULT_OVERRIDABLE_STATES;
  const known = (["NonRunningStates", "AnyState"] as const).find((state) => typeof value === "string" && state.toLowerCase() === value.toLowerCase());
  if (!known) throw new Error(`host.json: extensions.durableTask.overridableExistingInstanceStates must be NonRunningStates or AnyState, not ${JSON.stringify(value)}`);
  return known;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
