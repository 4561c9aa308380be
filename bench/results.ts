/**
 * What the bench writes to bench/results.json (gitignored): every figure measured, with its target and
 * whether it held, so runs on the same machine can be compared.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";

/** One section per scenario; each scenario fills its own. */
export type Results = Record<string, unknown>;

/** `bench/results.json` in the repository (this file runs from `dist/bench`). */
export const RESULTS_PATH = resolve(import.meta.dirname, "../../bench/results.json");

/** The word printed beside a figure with a target. */
export function verdict(pass: boolean): string {
  return pass ? "PASS" : "FAIL";
}

/** Writes the results as pretty JSON. */
export function writeResults(results: Results): void {
  writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
}
