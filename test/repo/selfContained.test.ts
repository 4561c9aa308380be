/**
 * A fresh clone has nothing beside it: no source, test or bench file may read the workplace's shared
 * folder or any other absolute path outside the repository (fixtures are vendored under test/fixtures).
 */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../..");
const SCANNED = ["src", "test", "bench", ".ci"];
// Built from parts so this file does not match itself.
const FORBIDDEN = [new RegExp(["/work", "/"].join("")), new RegExp(["shared/", "azure-rest-examples"].join(""))];
/** A relative path up to a folder named shared: fine inside the repository (src/common), not beside it. */
const UP_TO_SHARED = /((?:\.\.\/)+)shared\b/g;

/** Whether `line` of `file` names a path outside the repository. */
function leavesRepository(file: string, line: string): boolean {
  if (FORBIDDEN.some((pattern) => pattern.test(line))) return true;
  for (const match of line.matchAll(UP_TO_SHARED)) {
    if (relative(REPO, resolve(dirname(file), `${match[1] ?? ""}shared`)).startsWith("..")) return true;
  }
  return false;
}

async function sourceFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of SCANNED) {
    const entries = await readdir(join(REPO, dir), { withFileTypes: true, recursive: true });
    for (const entry of entries) {
      const path = join(entry.parentPath, entry.name);
      // .ci/node is the Node that .ci/run installs, not ours.
      if (!entry.isFile() || path.includes("/node_modules/") || path.includes("/.ci/node/")) continue;
      if (/\.(ts|js|json|sh)$/.test(entry.name) || dir === ".ci") files.push(path);
    }
  }
  return files;
}

describe("the repository is self-contained", () => {
  it("no source, test, bench or CI file names a path outside the repository", async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles()) {
      const text = await readFile(file, "utf8");
      text.split("\n").forEach((line, index) => {
        if (leavesRepository(file, line)) offenders.push(`${relative(REPO, file)}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
