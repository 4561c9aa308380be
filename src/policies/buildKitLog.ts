/**
 * Reads BuildKit's plain progress output (`buildx build --progress plain`, as the build task runs it)
 * for which Dockerfile steps ran and which were `CACHED`. Each vertex prints `#<n> <title>` and later
 * `#<n> CACHED`, `#<n> DONE <time>` or `#<n> ERROR ...`; the Dockerfile's steps are the vertices
 * titled `[<stage> <i>/<n>] ...` (`[internal]` and export vertices are not steps). An ACR log may
 * stamp lines with the time, and interleaves other lines; both are tolerated.
 */
import type { CacheReport } from "../domain/buildReport.js";

const LINE = /^(?:\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d )?#(\d+) (.*)$/;
const STEP_TITLE = /^\[(?:[^\]]+ )?\d+\/\d+\] /;

/** The cache report of a BuildKit log; undefined when the log holds no Dockerfile step. */
export function parseBuildKitCache(log: string): CacheReport | undefined {
  const steps = new Map<string, "pending" | "cached" | "executed">();
  for (const raw of log.split(/\r?\n/)) {
    const match = LINE.exec(raw.trimEnd());
    if (!match?.[1]) continue;
    const vertex = match[1];
    const text = match[2] ?? "";
    if (!steps.has(vertex)) {
      if (STEP_TITLE.test(text)) steps.set(vertex, "pending");
      continue;
    }
    if (text === "CACHED") steps.set(vertex, "cached");
    else if (/^(?:DONE\b|ERROR\b)/.test(text) && steps.get(vertex) !== "cached") steps.set(vertex, "executed");
  }
  if (steps.size === 0) return undefined;
  const states = [...steps.values()];
  return { steps: states.length, cached: states.filter((state) => state === "cached").length, executed: states.filter((state) => state === "executed").length };
}
