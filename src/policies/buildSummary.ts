/**
 * The one-line build summary people read in the status, the notifications and the CLI:
 * "2 of 9 layers new, 3.1 MB of 412 MB; 7/9 steps cached". Sizes in decimal units, as registries
 * and `docker` print them.
 */
import type { CacheReport, LayerReport } from "../domain/buildReport.js";

const UNITS = ["B", "kB", "MB", "GB", "TB"] as const;

/** `bytes` for people: "512 B", "3.1 MB", "412 MB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${bytes} B`;
  // One decimal below 10 ("3.1 MB"), whole numbers above ("412 MB"); 9.96 rounds up to "10".
  const shown = value < 9.95 ? value.toFixed(1) : String(Math.round(value));
  return `${shown} ${UNITS[unit]}`;
}

/** The summary line of a build's layer and cache reports; empty when there is neither. */
export function formatBuildSummary(report: { layers?: LayerReport | undefined; cache?: CacheReport | undefined }): string {
  const parts: string[] = [];
  const { layers, cache } = report;
  if (layers) {
    const compared = layers.comparedWith === undefined ? " (no earlier image to compare with)" : "";
    parts.push(`${layers.new} of ${layers.total} layers new, ${formatBytes(layers.bytesNew)} of ${formatBytes(layers.bytesTotal)}${compared}`);
  }
  if (cache) parts.push(`${cache.cached}/${cache.steps} steps cached`);
  return parts.join("; ");
}
