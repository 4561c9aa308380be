/**
 * What `npm start` runs needs only production dependencies: the product is built with the dev
 * toolchain, then installed into a copy with `npm ci --omit=dev --omit=optional` (from the local npm
 * cache, offline preferred), and the launcher serves GET /api/health with 200 from there. Leaving out
 * the optional Azurite too keeps the install small and proves it is optional; the install must not
 * warn about engines (EBADENGINE) on the Node running the tests. The launcher's console is checked on
 * the way: a line per request without the key, none with `--quiet`, and the resumed-instances count.
 */
import { spawnSync } from "node:child_process";
import { copyFile, cp, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort, killGroups, launch, sharedProductBuild, waitForOutput, type Launched } from "../../support/launcher.js";

const REPO = join(import.meta.dirname, "../../..");

let work: string;
let running: Launched | undefined;
let installOutput = "";
/** npm run by the Node running the tests, so engines are checked against it. */
const npmEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`, npm_config_update_notifier: "false" };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "aca-rollout-prod-"));
  const { dir, build } = await sharedProductBuild();
  if (!build.ok) throw new Error(`build failed:\n${build.output}`);
  await cp(join(dir, "dist"), join(work, "dist"), { recursive: true });
  for (const file of ["package.json", "package-lock.json", "host.json"]) await copyFile(join(REPO, file), join(work, file));
  const installing = Date.now();
  const install = spawnSync("npm", ["ci", "--omit=dev", "--omit=optional", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: work, encoding: "utf8", env: npmEnv });
  installOutput = `${install.stdout}${install.stderr}`;
  if (install.status !== 0) throw new Error(`npm ci --omit=dev --omit=optional failed:\n${installOutput}`);
  console.log(`production install test: built in ${build.seconds.toFixed(1)} s, npm ci --omit=dev --omit=optional in ${((Date.now() - installing) / 1000).toFixed(1)} s`);
}, 180_000);

afterAll(async () => {
  killGroups([running]);
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

  it("serves GET /api/health with 200, prints a line per request (none with --quiet) and stops cleanly on SIGINT", async () => {
    const dataDir = join(work, "data");
    const first = await startLauncher([], dataDir);
    const health = await fetch(`${first.url}/api/health?code=not-a-real-key-but-secret`);
    expect(health.status, first.output()).toBe(200);
    await health.arrayBuffer();
    // Azurite is optional: its absence is reported and the sandbox serves blobs itself.
    expect(first.output()).toContain("Blob storage:     served by the sandbox (Azurite not available)");
    expect(first.output()).toContain("information DurableTask: Resumed 0 unfinished orchestration instances from the journal.");
    await vi.waitFor(() => expect(first.output()).toMatch(/\] GET \/api\/health\?code=\*\*\* 200 \d+ ms\n/));
    expect(first.output()).not.toContain("not-a-real-key-but-secret");
    expect(await first.stop(), first.output()).toBe(0);

    const quiet = await startLauncher(["--quiet"], dataDir);
    const again = await fetch(`${quiet.url}/api/health`);
    expect(again.status, quiet.output()).toBe(200);
    await again.arrayBuffer();
    expect(await quiet.stop(), quiet.output()).toBe(0);
    expect(quiet.output()).not.toMatch(/GET \/api\/health/);
  }, 90_000);
});

/** Starts the built launcher from the production install and waits for it to be ready. */
async function startLauncher(args: string[], dataDir: string): Promise<{ url: string; output(): string; stop(): Promise<number | null> }> {
  const port = await freePort();
  const launched = launch(join(work, "dist/src/local/main.js"), work, { PORT: String(port), ACA_ROLLOUT_DATA_DIR: dataDir }, args);
  running = launched;
  await waitForOutput(launched, /Ready in/, 30_000);
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => launched.output(),
    stop: async () => {
      launched.child.kill("SIGINT");
      return launched.exited;
    },
  };
}
