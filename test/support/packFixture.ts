/**
 * Packs a fixture folder into a gzip'd tar the way `az acr build` uploads a context: sorted entries,
 * the `.dockerignore`'s plain entries (names, `dir/`, `*.ext`) left out. A small stand-in for the
 * CLI's packer in tests of the sandbox's build and the layer report; it reads nothing outside the
 * repository. Files can be replaced or added to model an edit.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { tarArchive } from "../../src/sandbox/providers/acrDataPlane/tarArchive.js";

/** The repository's FastAPI-style demo project (laid out as in the layer-caching guide). */
export const FASTAPI_FIXTURE = join(import.meta.dirname, "../../examples/fastapi-demo");

function ignored(path: string, rules: string[]): boolean {
  const segments = path.split("/");
  return rules.some((rule) => {
    const bare = rule.replace(/\/$/, "");
    if (bare.startsWith("*.")) return path.endsWith(bare.slice(1));
    if (bare.endsWith("*")) return segments.some((segment) => segment.startsWith(bare.slice(0, -1)));
    return segments.includes(bare) || path === bare || path.startsWith(`${bare}/`);
  });
}

/** The files of `folder` a build would receive, by relative path. */
export function fixtureFiles(folder: string): Map<string, Buffer> {
  const rules = (() => {
    try {
      return readFileSync(join(folder, ".dockerignore"), "utf8").split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
    } catch {
      return [];
    }
  })();
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const path = relative(folder, full).split(sep).join("/");
      if (ignored(path, rules)) continue;
      if (statSync(full).isDirectory()) walk(full);
      else files.set(path, readFileSync(full));
    }
  };
  walk(folder);
  return files;
}

/** A gzip'd tar of `files`, sorted by path. */
export function packFiles(files: ReadonlyMap<string, Buffer | string>): Buffer {
  const entries = [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, content]) => ({ path, content: Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8") }));
  return gzipSync(tarArchive(entries));
}

/** The fixture packed, with `changes` applied first (a path mapped to new content). */
export function packFixture(folder: string, changes: Record<string, string> = {}): Buffer {
  const files: Map<string, Buffer | string> = fixtureFiles(folder);
  for (const [path, content] of Object.entries(changes)) files.set(path, content);
  return packFiles(files);
}
