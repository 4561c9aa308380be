/**
 * Small statistics and the one output format of the bench: `metric: value unit (details)`.
 */

/** Nearest-rank percentile (p in 0..100) of a non-empty list; small samples make interpolation pretend to precision. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("percentile of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** The median (nearest-rank p50). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Rounds for printing: integers and numbers from 100 up as whole numbers, otherwise one decimal. */
export function round(value: number): string {
  return Number.isInteger(value) || Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** Prints one figure line. */
export function printFigure(metric: string, value: number | string, unit: string, details?: string): void {
  const shown = typeof value === "number" ? round(value) : value;
  process.stdout.write(`${metric}: ${shown} ${unit}${details ? ` (${details})` : ""}\n`);
}
