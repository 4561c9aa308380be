/**
 * Figure 3: how long a fresh Node process takes to import the product's function modules (after the
 * runtime's core module is installed) against a bare `import("@azure/functions")`; the cold-start cost
 * the product's own code adds on top of the Functions worker's.
 */
import { runBenchChild } from "./childProcess.js";
import { median, printFigure, round } from "./figures.js";

/** The child's JSON result. */
interface ColdImportResult {
  importMs: number;
  sinceProcessStartMs: number;
  functions: number;
}

function isColdImportResult(value: unknown): value is ColdImportResult {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.importMs === "number" && typeof record.sinceProcessStartMs === "number" && typeof record.functions === "number";
}

async function runOnce(args: readonly string[]): Promise<ColdImportResult & { processMs: number }> {
  const { result, wallMs } = await runBenchChild("coldImportChild.js", args, 30_000);
  if (!isColdImportResult(result)) throw new Error(`unexpected cold import result ${JSON.stringify(result)}`);
  return { ...result, processMs: wallMs };
}

/** Measures and prints the cold import figures (runs alternate so neither side gets a warmer disk cache). */
export async function benchColdImport(modules: readonly string[], runs: number): Promise<void> {
  const bare: Array<ColdImportResult & { processMs: number }> = [];
  const product: Array<ColdImportResult & { processMs: number }> = [];
  for (let i = 0; i < runs; i++) {
    bare.push(await runOnce(["bare"]));
    product.push(await runOnce(["product", ...modules]));
  }
  const importMs = (results: ColdImportResult[]): number[] => results.map((r) => r.importMs);
  const processMs = (results: Array<{ processMs: number }>): number[] => results.map((r) => r.processMs);
  const functions = product[0]?.functions ?? 0;
  const list = (values: number[]): string => values.map((v) => round(v)).join("/");
  printFigure(
    "cold import, product modules",
    median(importMs(product)),
    "ms",
    `median of ${runs} fresh node processes; core module + ${modules.length} modules registering ${functions} functions; runs ${list(importMs(product))} ms; spawn-to-exit median ${round(median(processMs(product)))} ms`,
  );
  printFigure(
    "cold import, bare @azure/functions",
    median(importMs(bare)),
    "ms",
    `median of ${runs} fresh node processes; runs ${list(importMs(bare))} ms; spawn-to-exit median ${round(median(processMs(bare)))} ms`,
  );
  printFigure("cold import, product over bare", median(importMs(product)) - median(importMs(bare)), "ms", "difference of the medians");
}
