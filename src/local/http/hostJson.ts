/**
 * The bits of host.json the local host honours: `extensions.http.routePrefix` (default `api`). Read
 * once at start-up; the file is found next to package.json whether running from `src/` or `dist/`.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

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

/** Reads the route prefix from the first host.json found (default `api` when there is none). */
export async function readRoutePrefix(paths: readonly string[] = defaultHostJsonPaths()): Promise<string> {
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      continue;
    }
    return routePrefixFrom(JSON.parse(text) as unknown);
  }
  return DEFAULT_ROUTE_PREFIX;
}
