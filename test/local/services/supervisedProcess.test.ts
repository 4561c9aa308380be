import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { minimalServiceEnv, startSupervisedProcess, supervisorArgs } from "../../../src/local/services/supervisedProcess.js";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return !isAlive(pid);
}

// A service that reports its own pid, then idles.
const SERVICE = ["/bin/sh", ["-c", "echo service-pid $$; exec sleep 30"]] as const;

describe("supervised service processes", () => {
  it("resolves on the ready line and kills the service on stop", async () => {
    const service = await startSupervisedProcess({
      name: "sleeper",
      command: SERVICE[0],
      args: [...SERVICE[1]],
      env: minimalServiceEnv(),
      readyPattern: /service-pid (\d+)/,
      stopGraceMs: 2_000,
    });
    const pid = Number(service.readyMatch[1]);
    expect(isAlive(pid)).toBe(true);
    await service.stop();
    expect(await waitUntilGone(pid, 3_000)).toBe(true);
  });

  it("kills the service when the parent dies without cleaning up (SIGKILL)", async () => {
    // A stand-in parent that starts the supervisor exactly as startSupervisedProcess does, then gets SIGKILLed.
    const parentSource = `
      const { spawn } = require("node:child_process");
      const child = spawn(process.execPath, JSON.parse(process.argv[1]), { stdio: ["pipe", "inherit", "inherit"] });
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ["-e", parentSource, "--", JSON.stringify(supervisorArgs(SERVICE[0], [...SERVICE[1]], 2_000))], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout.on("data", (chunk: Buffer) => {
        const match = /service-pid (\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
      parent.once("exit", () => reject(new Error("parent exited early")));
    });
    expect(isAlive(pid)).toBe(true);
    parent.kill("SIGKILL");
    expect(await waitUntilGone(pid, 5_000)).toBe(true);
  });

  it("rejects with the service's output when it exits before it is ready", async () => {
    await expect(
      startSupervisedProcess({
        name: "broken",
        command: "/bin/sh",
        args: ["-c", "echo config invalid >&2; exit 3"],
        env: minimalServiceEnv(),
        readyPattern: /never/,
      }),
    ).rejects.toThrow(/broken exited with code 3[\s\S]*config invalid/);
  });
});
