/**
 * `npm start` end to end: the compiled launcher on a fresh data dir with no settings must serve
 * GET /api/health with 200 within 15 s, print the sandbox banner, and leave no child service behind
 * when it is interrupted. Builds into a temp dir unless dist/ is already up to date.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFile, mkdtemp, readFile, readdir, rm, stat, symlink } from "node:fs/promises";
import { get as httpsGet } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../../..");
const HEALTH_DEADLINE_MS = 15_000;

let work: string;
let mainJs: string;
let child: ChildProcess | undefined;
let output = "";

async function listTs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => join(e.parentPath, e.name));
}

/** dist/ is fresh when every src/**.ts has a newer .js beside it in dist/src. */
async function distIsFresh(): Promise<boolean> {
  for (const ts of await listTs(join(REPO, "src"))) {
    const js = join(REPO, "dist", relative(REPO, ts)).replace(/\.ts$/, ".js");
    try {
      if ((await stat(js)).mtimeMs < (await stat(ts)).mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** GETs JSON from the sandbox, trusting only its CA. */
function sandboxJson(url: string, ca: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve(JSON.parse(text) as unknown));
    }).on("error", reject);
  });
}

/** Process ids whose process group is `pgid` (Linux /proc). */
async function processGroupMembers(pgid: number): Promise<number[]> {
  const members: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = await readFile(`/proc/${entry}/stat`, "utf8");
      // Fields after the parenthesised command: state ppid pgrp ...
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  return members;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "aca-rollout-npmstart-"));
  if (await distIsFresh()) {
    mainJs = join(REPO, "dist/src/local/main.js");
    console.log("npm start test: reusing fresh dist/");
  } else {
    const started = Date.now();
    const build = spawnSync(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", join(REPO, "tsconfig.build.json"), "--outDir", join(work, "dist")], {
      cwd: REPO,
      encoding: "utf8",
    });
    // Type errors elsewhere still emit JavaScript; only a missing launcher is fatal here.
    if (build.status !== 0) console.log(`npm start test: tsc reported problems:\n${build.stdout}${build.stderr}`);
    console.log(`npm start test: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await copyFile(join(REPO, "package.json"), join(work, "package.json"));
    await copyFile(join(REPO, "host.json"), join(work, "host.json"));
    await symlink(join(REPO, "node_modules"), join(work, "node_modules"), "dir");
    mainJs = join(work, "dist/src/local/main.js");
  }
  await stat(mainJs);
}, 120_000);

afterAll(async () => {
  if (child?.pid !== undefined) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await rm(work, { recursive: true, force: true });
});

describe("npm start", () => {
  it("serves GET /api/health with 200 within 15 s on a fresh data dir, then stops every child on SIGINT", async () => {
    const port = await freePort();
    const dataDir = join(work, "data");
    const started = Date.now();
    child = spawn(process.execPath, [mainJs], {
      cwd: work,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work, PORT: String(port), ACA_ROLLOUT_DATA_DIR: dataDir },
    });
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    let hasExited = false;
    const exited = new Promise<number | null>((resolve) =>
      child!.once("exit", (code) => {
        hasExited = true;
        resolve(code);
      }),
    );

    let status = 0;
    let body: unknown;
    while (Date.now() - started < HEALTH_DEADLINE_MS && !hasExited) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`);
        status = response.status;
        body = await response.json();
        if (status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`npm start test: GET /api/health answered ${status} after ${seconds.toFixed(2)} s`);
    expect(status, output).toBe(200);
    expect(seconds).toBeLessThan(HEALTH_DEADLINE_MS / 1000);
    expect(body).toMatchObject({ status: "healthy", mode: "sandbox" });

    expect(output).toMatch(/SANDBOX MODE: no Azure subscription is used; Azure Resource Manager is simulated at https:\/\/127\.0\.0\.1:\d+/);
    const keys = JSON.parse(await readFile(join(dataDir, "keys.json"), "utf8")) as { functionKey: string };
    expect(output).toContain(`Function key:       ${keys.functionKey}`);
    expect(output).toContain("/api/deployments");
    expect(output).toContain("/_sandbox/");
    const ca = await readFile(join(dataDir, "sandbox/ca.pem"), "utf8");
    expect(ca).toContain("BEGIN CERTIFICATE");
    const sandboxOrigin = /simulated at (https:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    const apps = (await sandboxJson(`${sandboxOrigin}/_sandbox/containerApps`, ca)) as { apps: { name: string; properties: { configuration: { activeRevisionsMode: string } } }[] };
    expect(apps.apps.map((a) => [a.name, a.properties.configuration.activeRevisionsMode]).sort()).toEqual([
      ["demo-build", "Single"],
      ["demo-multi", "Multiple"],
      ["demo-single", "Single"],
    ]);
    // The printed examples name configured targets, and each is accepted as printed (one deploys a tag, one builds).
    const printed = [...output.matchAll(/\/api\/deployments"[^\n]*\n\s+-d '(\{[^']*\})'/g)].map((m) => m[1]!);
    expect(printed.map((body) => JSON.parse(body) as unknown)).toEqual([
      { target: "demo-single", tag: "v2" },
      { target: "demo-build", tag: "v3" },
    ]);
    for (const body of printed) {
      const answer = await fetch(`http://127.0.0.1:${port}/api/deployments`, { method: "POST", headers: { "x-functions-key": keys.functionKey, "content-type": "application/json" }, body });
      expect(answer.status, body).toBe(202);
    }

    const pid = child.pid!;
    expect((await processGroupMembers(pid)).length).toBeGreaterThan(1);
    process.kill(pid, "SIGINT");
    const code = await Promise.race([exited, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 10_000))]);
    expect(code, output).toBe(0);
    // Supervisors exit once their service has; give them a moment, then nothing of ours may remain.
    const deadline = Date.now() + 5000;
    let left = await processGroupMembers(pid);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await processGroupMembers(pid);
    }
    expect(left, output).toEqual([]);
  }, 60_000);
});
