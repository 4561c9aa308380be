import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transpileForNode } from "./transpile.js";

let workDir: string;
let worker: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), "engine-crash-"));
  worker = await transpileForNode(path.join(import.meta.dirname, "fixtures/crashWorker.ts"), path.join(workDir, "build"));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await rm(workDir, { recursive: true, force: true });
});

function logLines(logFile: string): string[] {
  return existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").filter(Boolean) : [];
}

function startWorker(dataDir: string, logFile: string, blockStep: number): ChildProcess {
  const child = spawn(process.execPath, [worker, dataDir, logFile, String(blockStep)], { stdio: ["ignore", "ignore", "inherit"] });
  children.push(child);
  return child;
}

async function waitFor(condition: () => boolean, what: string, child: ChildProcess, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}) while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

function count(lines: string[], prefix: string): number {
  return lines.filter((l) => l.startsWith(prefix)).length;
}

describe("crash recovery from the journal", () => {
  it("resumes after SIGKILL without re-running recorded activities", async () => {
    const dataDir = path.join(workDir, "data");
    const logFile = path.join(workDir, "activity.log");

    // Run 1: killed while step 3 runs (steps 1 and 2 have recorded completions).
    const first = startWorker(dataDir, logFile, 3);
    await waitFor(() => count(logLines(logFile), "step 3 start") === 1, "step 3 to start", first);
    await kill(first);
    expect(count(logLines(logFile), "step 1 start")).toBe(1);
    expect(count(logLines(logFile), "step 2 start")).toBe(1);

    // Run 2: step 3 runs again (its completion was never recorded); killed while the timer is pending.
    const second = startWorker(dataDir, logFile, 0);
    await waitFor(() => count(logLines(logFile), "timer pending") > 0, "the timer to be journaled", second);
    await kill(second);
    expect(count(logLines(logFile), "step 4 start")).toBe(0);

    // Run 3: the timer is re-armed, step 4 runs, the instance completes.
    const third = startWorker(dataDir, logFile, 0);
    const exitCode = await new Promise<number | null>((resolve) => third.once("exit", resolve));
    const lines = logLines(logFile);
    expect(exitCode, lines.join("\n")).toBe(0);
    expect(lines.at(-1)).toBe("done [10,20,30,40]");
    expect([1, 2, 3, 4].map((step) => count(lines, `step ${step} start`))).toEqual([1, 1, 2, 1]);
    expect(lines.filter((l) => l.startsWith("engine error"))).toEqual([]);
  }, 20_000);
});
