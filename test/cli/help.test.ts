/**
 * `--help` everywhere, and a fast one: the compiled `aca-rollout --help` loads commander and the CLI's
 * own small modules only (no Azure SDK, no tar, no spinner, no Dockerfile parser), checked by recording
 * every module the process resolves.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import { sharedProductBuild } from "../support/launcher.js";
import { captureIo } from "./captureIo.js";

describe("aca-rollout --help", () => {
  it.each([
    [[], /Commands:[\s\S]*deploy[\s\S]*status[\s\S]*lint[\s\S]*ACA_ROLLOUT_KEY[\s\S]*Exit codes: 0 succeeded/],
    [["deploy"], /--target <name>[\s\S]*--context <dir>[\s\S]*--dockerfile <path>[\s\S]*--tag <tag>[\s\S]*--no-wait[\s\S]*--json[\s\S]*--force[\s\S]*--cancel-on-interrupt[\s\S]*--url <url>[\s\S]*--key <key>/],
    [["status"], /status \[options\] <id>[\s\S]*--wait/],
    [["lint"], /--context <dir>[\s\S]*--dockerfile <path>/],
  ])("%j --help", async (command, expected) => {
    const { io, out } = captureIo();
    expect(await runCli([...command, "--help"], io)).toBe(0);
    expect(out.join("")).toMatch(expected);
  });

  it("no command prints the help and exits 2", async () => {
    const { io, out, err } = captureIo();
    expect(await runCli([], io)).toBe(2);
    expect(out.join("") + err.join("")).toMatch(/Usage: aca-rollout/);
  });

  it("the compiled bin answers --help without loading any SDK, tar, spinner or parser module", async () => {
    const { dir, build } = await sharedProductBuild();
    expect(build.output).toBe("");
    const hook = [
      'import { registerHooks } from "node:module";',
      "const seen = [];",
      "registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); seen.push(result.url); return result; } });",
      'process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify(seen) + "\\n"));',
    ].join("\n");
    const started = Date.now();
    const result = spawnSync(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(hook)}`, join(dir, "dist/src/cli/main.js"), "--help"], { encoding: "utf8" });
    const ms = Date.now() - started;
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: aca-rollout");
    const loaded = JSON.parse(/LOADED (.*)/.exec(result.stderr)![1]!) as string[];
    const packages = [...new Set(loaded.filter((url) => url.includes("/node_modules/")).map((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)![1]!))];
    expect(packages).toEqual(["commander"]);
    const own = [...new Set(loaded.filter((url) => url.includes("/dist/src/")).map((url) => url.slice(url.indexOf("/dist/src/") + "/dist/src/".length)))];
    expect(own.sort()).toEqual(["cli/core/exitCodes.js", "cli/core/io.js", "cli/core/settings.js", "cli/main.js", "cli/program.js"]);
    console.log(`aca-rollout --help: ${ms} ms wall (node start included)`);
    expect(ms).toBeLessThan(3_000);
  });
});
