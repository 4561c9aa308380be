/**
 * Importing the function entry modules registers every function but loads only @azure/functions,
 * durable-functions and the small registration modules (issue 15, cold import ≤ 1.5× a bare durable
 * app): each handler's implementation, and the libraries behind it (zod, semver, redos-detector,
 * dockerfile-ast, picomatch, the Azure SDKs), is imported on its function's first invocation
 * (src/functions/registration/lazy.ts). Checked by what Node really loads: a fresh `node` imports the
 * entry modules as the host does (./fixtures/traceImports.ts) and reports every module it loaded.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FUNCTIONS = path.join(ROOT, "src/functions");
/** What the host loads: `dist/src/functions/*.js`, i.e. the top-level modules of src/functions. */
const ENTRY_MODULES = readdirSync(FUNCTIONS)
  .filter((name) => name.endsWith(".ts"))
  .sort()
  .map((name) => path.join(FUNCTIONS, name));
/** The libraries only implementations use. */
const HEAVY = ["zod", "semver", "redos-detector", "dockerfile-ast", "picomatch", "@balena/dockerignore", "tar-stream", "@slack/webhook", "@azure/identity", "@azure/arm-appcontainers", "@azure/arm-containerregistry", "@azure/container-registry", "@azure/storage-blob", "@azure/eventgrid"];

interface Trace {
  functions: number;
  loaded: string[];
}

/** Imports `modules` in a fresh Node process and returns what it registered and loaded. */
function traceImports(modules: readonly string[]): Trace {
  const out = execFileSync(process.execPath, ["--experimental-transform-types", "--disable-warning=ExperimentalWarning", path.join(import.meta.dirname, "fixtures/traceImports.ts"), ...modules], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return JSON.parse(out) as Trace;
}

/** The npm package a loaded URL belongs to, if any. */
function packageOf(url: string): string | undefined {
  return /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
}

/** Repository-relative paths of the product modules (src/, without the local runtime's core module the trace installs). */
function productFiles(trace: Trace): string[] {
  return trace.loaded
    .filter((url) => url.startsWith("file:") && packageOf(url) === undefined)
    .map((url) => path.relative(ROOT, fileURLToPath(url)).split(path.sep).join("/"))
    .filter((file) => file.startsWith("src/") && file !== "src/local/worker/coreModule.ts");
}

/** The modules the registrations import lazily: every `import("…")` in src/functions, resolved. */
function lazilyImported(): string[] {
  const found = new Set<string>();
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith(".ts")) {
        for (const match of readFileSync(full, "utf8").matchAll(/\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) {
          found.add(path.relative(ROOT, path.resolve(dir, match[1]!.replace(/\.js$/, ".ts"))).split(path.sep).join("/"));
        }
      }
    }
  };
  visit(FUNCTIONS);
  return [...found].sort();
}

/** `file: line` for every registration call (`df.app.*`, `app.http` and the like) outside src/functions. */
function registrationsOutsideFunctions(): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(ROOT, full).split(path.sep).join("/");
      if (entry.isDirectory()) {
        if (!["src/functions", "src/local", "src/sandbox", "src/cli"].includes(relative)) visit(full);
      } else if (entry.name.endsWith(".ts")) {
        readFileSync(full, "utf8")
          .split("\n")
          .forEach((line, index) => {
            if (/^\s*(?:df\.)?app\.(?:activity|orchestration|entity|http|timer|eventGrid|generic|storageQueue|serviceBusQueue)\(/.test(line)) found.push(`${relative}:${index + 1}`);
          });
      }
    }
  };
  visit(path.join(ROOT, "src"));
  return found;
}

describe("function modules register without loading the implementations", () => {
  it("registers functions only in src/functions (an implementation module registering itself would load eagerly, or too late)", () => {
    expect(registrationsOutsideFunctions()).toEqual([]);
  });

  let product: Trace;
  let bareApp: Trace;
  beforeAll(() => {
    product = traceImports(ENTRY_MODULES);
    bareApp = traceImports([path.join(ROOT, "bench/bareApp.ts")]);
  });

  it("registers every function", () => {
    expect(product.functions).toBeGreaterThan(40);
    expect(bareApp.functions).toBe(3);
  });

  it("loads no library the bare durable app does not (none of zod, semver, redos-detector, dockerfile-ast, picomatch, the Azure SDKs)", () => {
    const bare = new Set(bareApp.loaded.map(packageOf));
    const extra = [...new Set(product.loaded.map(packageOf))].filter((name) => name !== undefined && !bare.has(name)).sort();
    expect(extra).toEqual([]);
    expect(product.loaded.map(packageOf).filter((name) => name !== undefined && HEAVY.includes(name))).toEqual([]);
  });

  it("loads none of the modules its handlers import on first call, and only registration-sized product modules", () => {
    const files = productFiles(product);
    // The entry modules, the registration helpers, function names and the 500 problem: no implementation folder.
    expect(files.filter((file) => /^src\/(activities|orchestrations|entities|policies|azure|notifiers|domain|config)\//.test(file) && !/\/(names|contracts|notifyOrchestration|scanSchedule)\.ts$/.test(file))).toEqual([]);
    const lazy = lazilyImported();
    expect(lazy.length).toBeGreaterThan(30);
    expect(files.filter((file) => lazy.includes(file))).toEqual([]);
  });
});
