/**
 * What `npm start` runs needs only production dependencies: the product is built with the dev
 * toolchain, then installed into a copy with `npm ci --omit=dev --omit=optional` (from the local npm
 * cache, offline preferred), and the launcher serves GET /api/health with 200 from there. Leaving out
 * the optional Azurite too keeps the install small and proves it is optional; the install must not
 * warn about engines (EBADENGINE) on the Node running the tests.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFile, mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../../..");

let work: string;
let child: ChildProcess | undefined;
let installOutput = "";
/** npm run by the Node running the tests, so engines are checked against it. */
const npmEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`, npm_config_update_notifier: "false" };

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

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "aca-rollout-prod-"));
  const started = Date.now();
  const build = spawnSync(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", join(REPO, "tsconfig.build.json"), "--outDir", join(work, "dist")], {
    cwd: REPO,
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
  for (const file of ["package.json", "package-lock.json", "host.json"]) await copyFile(join(REPO, file), join(work, file));
  const built = Date.now();
  const install = spawnSync("npm", ["ci", "--omit=dev", "--omit=optional", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: work, encoding: "utf8", env: npmEnv });
  installOutput = `${install.stdout}${install.stderr}`;
  if (install.status !== 0) throw new Error(`npm ci --omit=dev --omit=optional failed:\n${installOutput}`);
  console.log(`production install test: built in ${((built - started) / 1000).toFixed(1)} s, npm ci --omit=dev --omit=optional in ${((Date.now() - built) / 1000).toFixed(1)} s`);
}, 180_000);

afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null) child.kill("SIGKILL");
  await rm(work, { recursive: true, force: true });
});

describe("npm start after npm ci --omit=dev --omit=optional", () => {
  it("installs without engine warnings, the dev toolchain or Azurite", async () => {
    expect(installOutput).not.toMatch(/EBADENGINE/);
    await expect(stat(join(work, "node_modules/typescript"))).rejects.toThrow();
    await expect(stat(join(work, "node_modules/vitest"))).rejects.toThrow();
    await expect(stat(join(work, "node_modules/azurite"))).rejects.toThrow();
    await stat(join(work, "node_modules/selfsigned"));
  });

  it("serves GET /api/health with 200 and stops cleanly on SIGINT", async () => {
    const port = await freePort();
    let output = "";
    child = spawn(process.execPath, [join(work, "dist/src/local/main.js")], {
      cwd: work,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work, PORT: String(port), ACA_ROLLOUT_DATA_DIR: join(work, "data") },
    });
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));

    let status = 0;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        status = (await fetch(`http://127.0.0.1:${port}/api/health`)).status;
        if (status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status, output).toBe(200);
    // Azurite is optional: its absence is reported and the sandbox serves blobs itself.
    expect(output).toContain("Blob storage:     served by the sandbox (Azurite not available)");
    child.kill("SIGINT");
    expect(await exited, output).toBe(0);
  }, 60_000);
});
