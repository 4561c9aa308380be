/** `aca-rollout lint`: findings as text or JSON, exit 0 when clean and 1 when something is found, 2 without a Dockerfile. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LintReport } from "../../src/domain/lintFinding.js";
import { runCli } from "../../src/cli/program.js";
import { captureIo } from "./captureIo.js";
import { FASTAPI_PROJECT, writeTree } from "./context/projectTree.js";

const ANTIPATTERN = readFileSync(join(import.meta.dirname, "../fixtures/layer-caching-guide/antipattern.Dockerfile"), "utf8");

async function lint(argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const { io, out, err } = captureIo();
  const exitCode = await runCli(["lint", ...argv], io);
  return { exitCode, stdout: out.join(""), stderr: err.join("") };
}

describe("aca-rollout lint", () => {
  it("a clean project: no findings, exit 0", async () => {
    const run = await lint(["--context", await writeTree(FASTAPI_PROJECT)]);
    expect([run.exitCode, run.stdout]).toEqual([0, "lint: no findings (0 cache, 0 size, 0 security)\n"]);
  });

  it("the guide's anti-pattern without a .dockerignore: each finding with its line, why and fix, exit 1", async () => {
    const dir = await writeTree({ Dockerfile: ANTIPATTERN, "requirements.txt": "fastapi\n", "api.py": "print(1)\n", ".git/HEAD": "x" });
    const run = await lint(["--context", dir]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("lint: 2 findings (2 cache, 0 size, 0 security)");
    expect(run.stdout).toContain("  .dockerignore dockerignore-missing (cache, warning)");
    expect(run.stdout).toMatch(/ {2}Dockerfile:3 copy-all-before-install \(cache, warning\)\n {4}why: .*\n {4}fix: Copy only the dependency manifests first/);
    const json = JSON.parse((await lint(["--context", dir, "--json"])).stdout) as LintReport;
    expect(json.findings.map((f) => [f.rule, f.line])).toEqual([
      ["dockerignore-missing", null],
      ["copy-all-before-install", 3],
    ]);
  });

  it("no Dockerfile: exit 2", async () => {
    const run = await lint(["--context", await writeTree({ "a.txt": "a" })]);
    expect([run.exitCode, run.stderr]).toEqual([2, expect.stringContaining("no Dockerfile at")]);
  });
});
