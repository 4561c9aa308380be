/**
 * Figure 3: how long a fresh Node process takes to import the product's function modules (after the
 * runtime's core module is installed) against the bench's bare durable app (one HTTP function, one
 * orchestration, one activity: ./bareApp.ts) loaded the same way, and a bare `import("@azure/functions")`.
 * Target (issue 15): product median ≤ 1.5× the bare app's.
 */
import { runBenchChild } from "./childProcess.js";
import { median, printFigure, round } from "./figures.js";
import { verdict, type Results } from "./results.js";

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

/** The cold-import target: product median at most this many times the bare app's. */
export const COLD_IMPORT_TARGET_RATIO = 1.5;

/** Measures and prints the cold import figures (runs alternate so no side gets a warmer disk cache). */
export async function benchColdImport(modules: readonly string[], runs: number, results: Results): Promise<void> {
  const bare: Array<ColdImportResult & { processMs: number }> = [];
  const bareApp: Array<ColdImportResult & { processMs: number }> = [];
  const product: Array<ColdImportResult & { processMs: number }> = [];
  for (let i = 0; i < runs; i++) {
    bare.push(await runOnce(["bare"]));
    bareApp.push(await runOnce(["bareApp"]));
    product.push(await runOnce(["product", ...modules]));
  }
  const importMs = (list: ColdImportResult[]): number[] => list.map((r) => r.importMs);
  const processMs = (list: Array<{ processMs: number }>): number[] => list.map((r) => r.processMs);
  const functions = product[0]?.functions ?? 0;
  const list = (values: number[]): string => values.map((v) => round(v)).join("/");
  const productMedian = median(importMs(product));
  const bareAppMedian = median(importMs(bareApp));
  const ratio = productMedian / bareAppMedian;
  const pass = ratio <= COLD_IMPORT_TARGET_RATIO;
  printFigure(
    "cold import, product modules",
    productMedian,
    "ms",
    `median of ${runs} fresh node processes; core module + ${modules.length} modules registering ${functions} functions; runs ${list(importMs(product))} ms; spawn-to-exit median ${round(median(processMs(product)))} ms`,
  );
  printFigure(
    "cold import, bare durable app",
    bareAppMedian,
    "ms",
    `median of ${runs}; core module + one HTTP function, one orchestration, one activity; runs ${list(importMs(bareApp))} ms; spawn-to-exit median ${round(median(processMs(bareApp)))} ms`,
  );
  printFigure("cold import, bare @azure/functions", median(importMs(bare)), "ms", `median of ${runs}; runs ${list(importMs(bare))} ms`);
  printFigure("cold import, product / bare app", ratio.toFixed(2), "x", `${verdict(pass)}: target ≤ ${COLD_IMPORT_TARGET_RATIO}x the bare durable app`);
  results.coldImport = {
    runs,
    productMedianMs: productMedian,
    bareAppMedianMs: bareAppMedian,
    bareFunctionsMedianMs: median(importMs(bare)),
    ratio,
    target: `<= ${COLD_IMPORT_TARGET_RATIO}x bare app`,
    pass,
  };
}
