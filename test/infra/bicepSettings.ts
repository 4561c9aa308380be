/**
 * Reads the app settings infra/bicep/modules/functionApp.bicep gives the Function App, as text (no Bicep compiler
 * here): the keys of its named settings objects (`var hostSettings = {`, ...), one `key: value` per line. Anything
 * else inside those objects throws, as does a missing object, so the drift test cannot silently read less.
 */
import { readFileSync } from "node:fs";

/** The settings objects of functionApp.bicep and what each holds. */
export const SETTINGS_OBJECTS = ["hostSettings", "productSettings", "keyVaultSettings", "durableTaskSchedulerSettings"] as const;

/** One settings object: its keys and the Bicep expression of each value. */
export type BicepSettings = Record<(typeof SETTINGS_OBJECTS)[number], Map<string, string>>;

/** Parses the settings objects out of `text` (the content of `file`). */
export function parseBicepSettings(file: string, text: string): BicepSettings {
  const lines = text.split("\n");
  const result: Partial<BicepSettings> = {};
  for (const name of SETTINGS_OBJECTS) {
    const start = lines.findIndex((line) => line.trim() === `var ${name} = {`);
    if (start < 0) throw new Error(`${file}: no "var ${name} = {" object: the drift test reads the app settings from it`);
    const entries = new Map<string, string>();
    let i = start + 1;
    for (; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === "}") break;
      if (line === "" || line.startsWith("//")) continue;
      const match = /^([A-Za-z_][A-Za-z0-9_]*):\s*(.+)$/.exec(line);
      if (!match || /[{[]\s*$/.test(match[2]!)) throw new Error(`${file}:${i + 1}: "${line}" in ${name} is not one "key: value" line`);
      if (entries.has(match[1]!)) throw new Error(`${file}:${i + 1}: ${match[1]} appears twice in ${name}`);
      entries.set(match[1]!, match[2]!);
    }
    if (i === lines.length) throw new Error(`${file}:${start + 1}: ${name} is not closed`);
    if (entries.size === 0) throw new Error(`${file}:${start + 1}: ${name} is empty`);
    result[name] = entries;
  }
  return result as BicepSettings;
}

/** Reads the settings objects of the Bicep file at `path`. */
export function readBicepSettings(path: string): BicepSettings {
  return parseBicepSettings(path, readFileSync(path, "utf8"));
}
