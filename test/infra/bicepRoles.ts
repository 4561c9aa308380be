/**
 * A small, strict reader of the custom role definitions in infra/bicep. No Bicep compiler can run here, so the
 * least-privilege test reads the roles as text: every `Microsoft.Authorization/roleDefinitions` resource, and in
 * it the `actions`, `dataActions`, `notActions` and `notDataActions` arrays, which must be plain string literals,
 * one per line. Anything else (an expression, a variable, a missing array, no role at all) throws with the file
 * and line, so the test fails loudly instead of checking fewer actions than the Bicep grants.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** One custom role as written in the Bicep. */
export interface BicepRole {
  file: string;
  symbol: string;
  actions: string[];
  dataActions: string[];
}

const ROLE_RESOURCE = /^resource\s+(\w+)\s+'Microsoft\.Authorization\/roleDefinitions@[0-9a-z-]+'\s*=\s*\{\s*$/;
const ARRAY_KEYS = ["actions", "notActions", "dataActions", "notDataActions"] as const;
const ACTION = /^'([A-Za-z0-9.]+\/[A-Za-z0-9./]+)'$/;

/** Every `.bicep` file under `dir`, sorted. */
export function bicepFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...bicepFiles(path));
    else if (entry.name.endsWith(".bicep")) out.push(path);
  }
  return out.sort();
}

/** The role definitions in one Bicep source text; `file` only names it in errors and results. */
export function parseRoleDefinitions(file: string, text: string): BicepRole[] {
  const lines = text.split("\n");
  const roles: BicepRole[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.includes("Microsoft.Authorization/roleDefinitions@")) continue;
    if (line.trimStart().startsWith("//")) continue;
    const header = ROLE_RESOURCE.exec(line.trim());
    if (!header) {
      // `existing` references to built-in roles are not definitions; anything else is a shape this reader refuses.
      if (/\bexisting\s*=/.test(line)) continue;
      throw new Error(`${file}:${i + 1}: a roleDefinitions resource must be declared as "resource <name> '...roleDefinitions@<version>' = {" on one line`);
    }
    const end = blockEnd(lines, i, file);
    const body = lines.slice(i + 1, end);
    const arrays = Object.fromEntries(ARRAY_KEYS.map((key) => [key, readArray(body, key, file, i + 1)])) as Record<(typeof ARRAY_KEYS)[number], string[] | undefined>;
    if (arrays.actions === undefined) throw new Error(`${file}:${i + 1}: role ${header[1]} has no literal "actions: [" array`);
    for (const negative of ["notActions", "notDataActions"] as const) {
      if ((arrays[negative] ?? []).length > 0) throw new Error(`${file}:${i + 1}: role ${header[1]} uses ${negative}; grant positively instead`);
    }
    roles.push({ file, symbol: header[1]!, actions: arrays.actions, dataActions: arrays.dataActions ?? [] });
    i = end;
  }
  return roles;
}

/** Reads every role definition under `dir`; throws when there is none. */
export function readRoleDefinitions(dir: string, root = dir): BicepRole[] {
  const roles = bicepFiles(dir).flatMap((path) => parseRoleDefinitions(relative(root, path), readFileSync(path, "utf8")));
  if (roles.length === 0) throw new Error(`no Microsoft.Authorization/roleDefinitions resource found under ${dir}: the least-privilege check has nothing to read`);
  return roles;
}

/** Index of the line closing the block opened on line `start` (braces counted outside strings and comments). */
function blockEnd(lines: readonly string[], start: number, file: string): number {
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    const code = lines[i]!.replace(/'(?:[^'\\]|\\.)*'/g, "''").replace(/\/\/.*$/, "");
    for (const ch of code) {
      if (ch === "{") depth++;
      else if (ch === "}") depth--;
    }
    if (depth === 0) return i;
  }
  throw new Error(`${file}:${start + 1}: unterminated resource block`);
}

/** The literal strings of `key: [ ... ]` in `body`, undefined when absent; throws on anything not literal. */
function readArray(body: readonly string[], key: string, file: string, firstLine: number): string[] | undefined {
  const opener = new RegExp(`^\\s*${key}:\\s*\\[(.*)$`);
  const starts = body.flatMap((line, index) => (opener.test(line) ? [index] : []));
  if (starts.length === 0) return undefined;
  if (starts.length > 1) throw new Error(`${file}:${firstLine}: more than one "${key}" array in one role (use one permissions entry)`);
  const start = starts[0]!;
  const rest = opener.exec(body[start]!)![1]!.trim();
  if (rest === "]") return [];
  if (rest !== "") throw new Error(`${file}:${firstLine + start + 1}: "${key}" must list one quoted action per line`);
  const values: string[] = [];
  for (let i = start + 1; i < body.length; i++) {
    const item = body[i]!.trim();
    if (item === "]") return values;
    if (item === "" || item.startsWith("//")) continue;
    const match = ACTION.exec(item);
    if (!match) throw new Error(`${file}:${firstLine + i + 1}: "${key}" holds ${JSON.stringify(item)}, not a plain quoted action`);
    values.push(match[1]!);
  }
  throw new Error(`${file}:${firstLine + start + 1}: "${key}" array is not closed`);
}
