/**
 * A machine without Debian's docker-registry: the suites that need it are skipped with one line saying
 * why and how to install it, and the run passes; with ACA_ROLLOUT_REQUIRE_DOCKER_REGISTRY=1 (as
 * .ci/run sets) the same machine fails the run. Absence is simulated by pointing
 * ACA_ROLLOUT_DOCKER_REGISTRY_BINARY at a path that does not exist: the lookup itself still runs.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../..");
const SUITE = "test/local/services/dockerRegistry.test.ts";

/** Runs vitest on the registry suite in a child process and returns its exit code and plain output. */
function runVitest(env: Record<string, string>): { status: number | null; output: string } {
  // The child must not think it is a worker of this run.
  // Nor inherit this run's requirement (.ci/run sets it): each case says what it wants.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && name !== "NODE_OPTIONS" && name !== "TEST" && name !== "ACA_ROLLOUT_REQUIRE_DOCKER_REGISTRY"),
  );
  const result = spawnSync(process.execPath, [join(REPO, "node_modules/vitest/vitest.mjs"), "run", SUITE], {
    cwd: REPO,
    encoding: "utf8",
    env: { ...inherited, NO_COLOR: "1", FORCE_COLOR: "0", ...env },
    timeout: 50_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("suites that need docker-registry", () => {
  it("are skipped with one line saying why and how to install it when it is missing", () => {
    const { status, output } = runVitest({ ACA_ROLLOUT_DOCKER_REGISTRY_BINARY: "/nonexistent/docker-registry" });
    expect(status, output).toBe(0);
    expect(output).toMatch(/Tests\s+3 passed \| 3 skipped \(6\)/);
    const notices = output.split("\n").filter((line) => line.includes("need Debian's docker-registry"));
    expect(notices).toEqual([
      `Skipped 3 tests in ${SUITE}: they need Debian's docker-registry, which is not installed (/nonexistent/docker-registry not found). To run them: apt-get install -y docker-registry`,
    ]);
  });

  it("fail the run when it is missing and ACA_ROLLOUT_REQUIRE_DOCKER_REGISTRY=1", () => {
    const { status, output } = runVitest({ ACA_ROLLOUT_DOCKER_REGISTRY_BINARY: "/nonexistent/docker-registry", ACA_ROLLOUT_REQUIRE_DOCKER_REGISTRY: "1" });
    expect(status, output).not.toBe(0);
    expect(output).toContain("ACA_ROLLOUT_REQUIRE_DOCKER_REGISTRY=1 but docker-registry is not installed (/nonexistent/docker-registry not found). Install it with: apt-get install -y docker-registry");
    expect(output).not.toContain("need Debian's docker-registry");
  });
});
