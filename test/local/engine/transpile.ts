/**
 * Makes a TypeScript entry point runnable by plain `node` in a child process without a TS loader:
 * the entry and every relative module it imports are transpiled (typescript's transpileModule, no type
 * check) into `outDir`, keeping their paths, next to a `node_modules` link to the repository's.
 */
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import ts from "typescript";

/** The repository root (this file lives in test/local/engine). */
export const repoRoot = path.resolve(import.meta.dirname, "../../..");

const IMPORT = /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)\.js["']/g;

/** Transpiles `entry` (absolute .ts path inside the repo) and its relative imports; returns the .js path. */
export async function transpileForNode(entry: string, outDir: string): Promise<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = await readFile(file, "utf8");
    for (const match of source.matchAll(IMPORT)) queue.push(path.resolve(path.dirname(file), `${match[1]}.ts`));
    const output = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true, verbatimModuleSyntax: false },
    }).outputText;
    const target = path.join(outDir, path.relative(repoRoot, file)).replace(/\.ts$/, ".js");
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, output);
  }
  await writeFile(path.join(outDir, "package.json"), JSON.stringify({ type: "module" }));
  await symlink(path.join(repoRoot, "node_modules"), path.join(outDir, "node_modules"), "dir");
  return path.join(outDir, path.relative(repoRoot, entry)).replace(/\.ts$/, ".js");
}
