/**
 * The compiled product function modules the Functions host would load: `dist/src/functions/*.js`,
 * keeping only those whose `src/functions/*.ts` still exists, so a stale build output of a renamed or
 * deleted module is not imported.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

/** `dist/src/functions` (this file runs from `dist/bench`). */
export const DIST_FUNCTIONS_DIR = resolve(import.meta.dirname, "../src/functions");
/** `src/functions` in the repository. */
const SOURCE_FUNCTIONS_DIR = resolve(import.meta.dirname, "../../src/functions");

/** Absolute paths of the current product function modules, sorted, and the stale outputs skipped. */
export function productFunctionModules(): { modules: string[]; stale: string[] } {
  const compiled = readdirSync(DIST_FUNCTIONS_DIR).filter((name) => name.endsWith(".js")).sort();
  const modules: string[] = [];
  const stale: string[] = [];
  for (const name of compiled) {
    if (existsSync(join(SOURCE_FUNCTIONS_DIR, name.replace(/\.js$/, ".ts")))) modules.push(join(DIST_FUNCTIONS_DIR, name));
    else stale.push(name);
  }
  return { modules, stale };
}
