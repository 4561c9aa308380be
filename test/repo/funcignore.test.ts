/**
 * .funcignore decides what a Functions publish uploads. Checked with git's own gitignore matching
 * (the syntax Core Tools reads): the compiled product, host.json, package.json and node_modules go;
 * sources, tests, bench, CI, infra, local settings, the local runtime and the sandbox stay behind.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const FUNCIGNORE = join(import.meta.dirname, "../../.funcignore");

const SHIPPED = [
  "host.json",
  "package.json",
  "package-lock.json",
  "dist/src/functions/deployments.js",
  "dist/src/functions/health.js",
  "dist/src/functions/registration/activities.js",
  "dist/src/orchestrations/deploy.js",
  "dist/src/domain/deployment.js",
  "dist/src/config/settings.js",
  "dist/src/azure/clients.js",
  "dist/src/policies/revisionVerdict.js",
  "dist/src/entities/deployTarget.js",
  "node_modules/durable-functions/lib/src/index.js",
  "node_modules/@azure/functions/package.json",
  // Folders named like ours inside packages are theirs and must ship.
  "node_modules/some-package/src/index.js",
  "node_modules/some-package/test/fixture.js",
  "node_modules/some-package/README.md",
];

const LEFT_OUT = [
  "src/functions/deployments.ts",
  "test/e2e/world.ts",
  "bench/run.ts",
  "dist/test/e2e/world.js",
  "dist/bench/run.js",
  "dist/src/local/main.js",
  "dist/src/sandbox/server.js",
  ".ci/run",
  ".aca-rollout/journal/acarollout.jsonl",
  ".gitignore",
  "infra/bicep/README.md",
  "README.md",
  "local.settings.json",
  "local.settings.example.json",
  "tsconfig.json",
  "tsconfig.build.json",
  "eslint.config.js",
  "vitest.config.ts",
  "__azurite_db_blob__.json",
  "npm-debug.log",
];

let repo: string;

/** The paths .funcignore excludes, among `paths`. */
function ignored(paths: readonly string[]): string[] {
  const result = spawnSync("git", ["-c", `core.excludesFile=${FUNCIGNORE}`, "check-ignore", "--no-index", "--stdin"], { cwd: repo, input: paths.join("\n"), encoding: "utf8" });
  if (result.status !== 0 && result.status !== 1) throw new Error(result.stderr);
  return result.stdout.split("\n").filter(Boolean);
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "aca-funcignore-"));
  spawnSync("git", ["init", "-q", repo]);
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe(".funcignore", () => {
  it("ships the compiled product, host.json, package.json and node_modules", () => {
    expect(ignored(SHIPPED)).toEqual([]);
  });

  it("leaves sources, tests, bench, CI, infra, local settings, the local runtime and the sandbox out", () => {
    expect(ignored(LEFT_OUT)).toEqual(LEFT_OUT);
  });
});
