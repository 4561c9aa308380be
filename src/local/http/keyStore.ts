/**
 * The local host's keys on disk (`<dataDir>/keys.json`, mode 0600), so a function key printed once
 * keeps working across `npm start` runs. A key given in `ACA_ROLLOUT_FUNCTION_KEY` wins and is never
 * written to disk.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The keys file's content. */
export interface StoredKeys {
  functionKey: string;
  masterKey: string;
}

/** Keys in effect, and where the function key came from. */
export interface LocalKeys extends StoredKeys {
  /** `settings` when configured, `stored` when read from keys.json, `generated` when created now. */
  functionKeySource: "settings" | "stored" | "generated";
  /** Path of the keys file. */
  keysFile: string;
}

/** A new random key in the host's style (URL-safe base64, 256 bits). */
export function newKey(): string {
  return randomBytes(32).toString("base64url");
}

function parseStored(text: string): Partial<StoredKeys> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return {};
    const record = value as Record<string, unknown>;
    return {
      functionKey: typeof record.functionKey === "string" && record.functionKey ? record.functionKey : undefined,
      masterKey: typeof record.masterKey === "string" && record.masterKey ? record.masterKey : undefined,
    };
  } catch {
    return {};
  }
}

/** Reads keys.json, filling in (and saving) whatever is missing; `configuredFunctionKey` overrides the stored one. */
export async function loadOrCreateKeys(dataDir: string, configuredFunctionKey?: string): Promise<LocalKeys> {
  const keysFile = join(dataDir, "keys.json");
  let stored: Partial<StoredKeys> = {};
  try {
    stored = parseStored(await readFile(keysFile, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const functionKeySource = configuredFunctionKey ? "settings" : stored.functionKey ? "stored" : "generated";
  const toStore: StoredKeys = {
    functionKey: stored.functionKey ?? (configuredFunctionKey ? "" : newKey()),
    masterKey: stored.masterKey ?? newKey(),
  };
  if (toStore.functionKey !== (stored.functionKey ?? "") || toStore.masterKey !== stored.masterKey) {
    await mkdir(dataDir, { recursive: true });
    const content: Partial<StoredKeys> = { masterKey: toStore.masterKey };
    if (toStore.functionKey) content.functionKey = toStore.functionKey;
    await writeFile(keysFile, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    functionKey: configuredFunctionKey || toStore.functionKey,
    masterKey: toStore.masterKey,
    functionKeySource,
    keysFile,
  };
}
