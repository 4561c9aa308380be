/**
 * .ci/install-docker-registry on a machine without docker-registry: while apt-get runs, a policy-rc.d
 * keeps the package's service from starting; afterwards the machine's own policy-rc.d is back as it
 * was (or there is none, if there was none), even when apt-get fails. apt-get is a stand-in on PATH
 * that records what it saw; nothing is installed.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const SCRIPT = join(import.meta.dirname, "../../.ci/install-docker-registry");
const MACHINE_POLICY = "#!/bin/sh\n# the machine's own policy\nexit 0\n";

let dir: string;
let policy: string;
let aptLog: string;

/** Writes an apt-get stand-in that logs its arguments and the policy in force, then exits `code`. */
function fakeAptGet(code: number): string {
  const bin = join(dir, "bin");
  spawnSync("mkdir", ["-p", bin]);
  const script = `#!/bin/sh\necho "apt-get $*" >> "${aptLog}"\ncat "${policy}" >> "${aptLog}"\n"${policy}" docker-registry start >/dev/null 2>&1; echo "policy says $?" >> "${aptLog}"\nexit ${code}\n`;
  writeFileSync(join(bin, "apt-get"), script, { mode: 0o755 });
  return bin;
}

function run(env: Record<string, string>, aptExit = 0): { status: number | null; output: string } {
  const result = spawnSync("bash", [SCRIPT], {
    encoding: "utf8",
    env: { ...process.env, PATH: `${fakeAptGet(aptExit)}:${process.env.PATH ?? ""}`, ACA_ROLLOUT_POLICY_RC_D: policy, ...env },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "aca-ci-registry-"));
  policy = join(dir, "policy-rc.d");
  aptLog = join(dir, "apt.log");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe(".ci/install-docker-registry", () => {
  const missing = { ACA_ROLLOUT_DOCKER_REGISTRY_BINARY: "/nonexistent/docker-registry" };

  it("denies service starts while installing and puts the machine's policy-rc.d back unchanged", () => {
    writeFileSync(policy, MACHINE_POLICY);
    chmodSync(policy, 0o750);
    const { status, output } = run(missing);
    expect(status, output).toBe(0);
    const log = readFileSync(aptLog, "utf8");
    expect(log).toContain("apt-get install -y -qq --no-install-recommends docker-registry");
    expect(log).toContain("policy says 101");
    expect(log).not.toContain("the machine's own policy");
    expect(readFileSync(policy, "utf8")).toBe(MACHINE_POLICY);
    expect(statSync(policy).mode & 0o777).toBe(0o750);
  });

  it("leaves no policy-rc.d behind when the machine had none", () => {
    const { status, output } = run(missing);
    expect(status, output).toBe(0);
    expect(readFileSync(aptLog, "utf8")).toContain("policy says 101");
    expect(existsSync(policy)).toBe(false);
  });

  it("restores the machine's policy-rc.d when apt-get fails, and fails", () => {
    writeFileSync(policy, MACHINE_POLICY, { mode: 0o755 });
    const { status } = run(missing, 100);
    expect(status).not.toBe(0);
    expect(readFileSync(policy, "utf8")).toBe(MACHINE_POLICY);
  });

  it("does nothing when docker-registry is already installed", () => {
    writeFileSync(policy, MACHINE_POLICY, { mode: 0o755 });
    const { status, output } = run({ ACA_ROLLOUT_DOCKER_REGISTRY_BINARY: process.execPath });
    expect(status, output).toBe(0);
    expect(output).toContain("already installed");
    expect(existsSync(aptLog)).toBe(false);
    expect(readFileSync(policy, "utf8")).toBe(MACHINE_POLICY);
  });
});
