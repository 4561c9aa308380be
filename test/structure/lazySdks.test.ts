/**
 * The heavy Azure SDKs load on first use, never when a function module is imported (issue 15: a cold
 * start that serves a webhook or a status read must not pay 1 to 2 s for ARM, identity and storage).
 * Product code may import them as types only; values come from src/azure/sdk.ts (`require` on first
 * call) or a dynamic `import()`. The local runtime, the sandbox and the CLI are not loaded by the host.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const HEAVY = ["@azure/arm-appcontainers", "@azure/arm-containerregistry", "@azure/container-registry", "@azure/storage-blob", "@azure/identity", "@azure/eventgrid", "@azure/core-rest-pipeline"];
const NOT_LOADED_BY_THE_HOST = ["src/local", "src/sandbox", "src/cli"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** `file: import line` for every static value import of a heavy SDK in product code. */
function eagerSdkImports(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(path.join(ROOT, "src"))) {
    const relative = path.relative(ROOT, file).split(path.sep).join("/");
    if (NOT_LOADED_BY_THE_HOST.some((folder) => relative.startsWith(`${folder}/`))) continue;
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)([^;]*?)\s+from\s+["']([^"']+)["']/gms)) {
      if (HEAVY.includes(match[2]!)) found.push(`${relative}: ${match[0].replace(/\s+/g, " ")}`);
    }
  }
  return found;
}

describe("heavy Azure SDKs load lazily", () => {
  it("no product module imports one at load (types only; values through src/azure/sdk.ts or import())", () => {
    expect(eagerSdkImports()).toEqual([]);
  });
});
