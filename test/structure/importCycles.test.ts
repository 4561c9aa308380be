/**
 * No import cycle between folders of src, at any depth: a folder seen as one unit (src/local with
 * everything under it, then src/local/engine, ...) must not both import and be imported by another,
 * directly or around a longer loop. ESLint's no-restricted-imports says which direction is allowed for
 * the boundaries that had cycles; this test catches a cycle anywhere else.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every relative import (static, re-export or dynamic) of every file in src: [importer, imported]. */
function importEdges(): [string, string][] {
  const edges: [string, string][] = [];
  for (const file of sourceFiles(path.join(ROOT, "src"))) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)["'](\.{1,2}\/[^"']+)["']/gm)) {
      const imported = path.resolve(path.dirname(file), match[1]!.replace(/\.js$/, ".ts"));
      edges.push([path.relative(ROOT, file), path.relative(ROOT, imported)]);
    }
  }
  return edges;
}

/** The folder a file belongs to when folders are cut to their first `depth` path segments. */
function folderAt(file: string, depth: number): string {
  return path.dirname(file).split(path.sep).slice(0, depth).join("/");
}

/** Strongly connected sets of more than one folder (Tarjan), each a cycle. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== node);
      if (members.length > 1) found.push(members.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Folder cycles at every depth, each with the imports that make it. */
function folderCycles(edges: [string, string][]): string[] {
  const maxDepth = Math.max(...edges.map(([from]) => path.dirname(from).split(path.sep).length));
  const reports: string[] = [];
  for (let depth = 2; depth <= maxDepth; depth += 1) {
    const graph = new Map<string, Set<string>>();
    for (const [from, to] of edges) {
      const a = folderAt(from, depth);
      const b = folderAt(to, depth);
      if (a === b) continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)!.add(b);
    }
    for (const members of cycles(graph)) {
      const inCycle = new Set(members);
      const why = edges.filter(([from, to]) => folderAt(from, depth) !== folderAt(to, depth) && inCycle.has(folderAt(from, depth)) && inCycle.has(folderAt(to, depth)));
      reports.push(`${members.join(" <-> ")}: ${why.map(([from, to]) => `${from} -> ${to}`).join(", ")}`);
    }
  }
  return [...new Set(reports)];
}

describe("folder structure", () => {
  it("has no import cycle between folders of src", () => {
    expect(folderCycles(importEdges())).toEqual([]);
  });

  it("finds a cycle when there is one", () => {
    // The check itself must see the shapes of cycle it guards against: two folders, and a longer loop.
    expect(folderCycles([["src/a/x.ts", "src/b/y.ts"], ["src/b/y.ts", "src/a/z.ts"]])).toHaveLength(1);
    expect(folderCycles([["src/a/x.ts", "src/b/y.ts"], ["src/b/y.ts", "src/c/z.ts"], ["src/c/z.ts", "src/a/x.ts"]])).toHaveLength(1);
    expect(folderCycles([["src/a/x.ts", "src/a/sub/y.ts"], ["src/a/sub/y.ts", "src/a/z.ts"]])).toHaveLength(1);
    expect(folderCycles([["src/a/x.ts", "src/b/y.ts"]])).toEqual([]);
  });
});
