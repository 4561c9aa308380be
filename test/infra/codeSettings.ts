/**
 * The settings a folder of source code reads, found in the text: every `ACA_ROLLOUT_*` name (the config loader's
 * schema keys, the targets settings, any constant naming one), `env.X` and `env["X"]` (process.env or an env parameter), and
 * `%X%` binding expressions (a timer schedule read from an app setting). Comments are left out, so a name that
 * is only mentioned is not counted as read.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** `text` without its comments (block comments, and line comments that do not start inside a string). */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

/** Setting names read by the TypeScript under each of `dirs`. */
export function settingsReadBy(dirs: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const path of dirs.flatMap(sources)) {
    const code = withoutComments(readFileSync(path, "utf8"));
    for (const match of code.matchAll(/\bACA_ROLLOUT_[A-Z0-9_]+\b/g)) names.add(match[0]);
    for (const match of code.matchAll(/\benv\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
    for (const match of code.matchAll(/\benv\[\s*["'`]([^"'`]+)["'`]\s*\]/g)) names.add(match[1]!);
    for (const match of code.matchAll(/["'`]%([A-Za-z_][A-Za-z0-9_]*)%["'`]/g)) names.add(match[1]!);
  }
  return names;
}
