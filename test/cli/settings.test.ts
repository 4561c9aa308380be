/** The CLI's connection: option, then environment, then (for a local URL only) the key `npm start` keeps in `.aca-rollout/keys.json`. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectionOf } from "../../src/cli/core/settings.js";
import { captureIo } from "./captureIo.js";

function folderWithKeys(dataDir = ".aca-rollout"): string {
  const cwd = mkdtempSync(join(tmpdir(), "aca-cli-settings-"));
  mkdirSync(join(cwd, dataDir), { recursive: true });
  writeFileSync(join(cwd, dataDir, "keys.json"), JSON.stringify({ functionKey: "stored-function-key", masterKey: "stored-master-key" }));
  return cwd;
}

describe("connectionOf", () => {
  it("reads npm start's function key from .aca-rollout/keys.json for the default local URL", () => {
    const { io } = captureIo();
    expect(connectionOf({}, { ...io, cwd: folderWithKeys() })).toEqual({ url: "http://localhost:7071", key: "stored-function-key" });
  });

  it("follows ACA_ROLLOUT_DATA_DIR, and an explicit key wins", () => {
    const { io } = captureIo();
    const cwd = folderWithKeys("data");
    expect(connectionOf({}, { ...io, cwd, env: { ACA_ROLLOUT_DATA_DIR: "data" } }).key).toBe("stored-function-key");
    expect(connectionOf({ key: "given" }, { ...io, cwd }).key).toBe("given");
  });

  it("never uses the stored key for a remote orchestrator, and says how to give one", () => {
    const { io } = captureIo();
    expect(() => connectionOf({ url: "https://func-aca.azurewebsites.net" }, { ...io, cwd: folderWithKeys() })).toThrow(/function key is required: --key <key> or ACA_ROLLOUT_KEY/);
  });

  it("without keys.json a local URL still needs a key", () => {
    const { io } = captureIo();
    expect(() => connectionOf({}, { ...io, cwd: mkdtempSync(join(tmpdir(), "aca-cli-nokeys-")) })).toThrow(/function key is required/);
  });
});
