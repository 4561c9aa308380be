/** Host keys: what opens which auth level, the keys file, and host.json's route prefix. */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DURABLE_SYSTEM_KEY_NAME, KeyChecker, deriveSystemKey, presentedKey } from "../../../src/local/http/hostKeys.js";
import { readRoutePrefix, routePrefixFrom } from "../../../src/local/http/hostJson.js";
import { loadOrCreateKeys } from "../../../src/local/http/keyStore.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aca-rollout-keys-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("KeyChecker", () => {
  const checker = new KeyChecker({ functionKeys: ["fk"], masterKey: "mk", systemKeys: { [DURABLE_SYSTEM_KEY_NAME]: "sk" } });

  it("opens function level with a function or master key, admin with the master key only", () => {
    expect(checker.allows("anonymous", undefined)).toBe(true);
    expect(checker.allows("function", undefined)).toBe(false);
    expect(checker.allows("function", "fk")).toBe(true);
    expect(checker.allows("function", "mk")).toBe(true);
    expect(checker.allows("function", "fk ")).toBe(false);
    expect(checker.allows("admin", "fk")).toBe(false);
    expect(checker.allows("admin", "mk")).toBe(true);
  });

  it("opens system endpoints with the extension's system key or the master key", () => {
    expect(checker.allowsSystem(DURABLE_SYSTEM_KEY_NAME, "sk")).toBe(true);
    expect(checker.allowsSystem(DURABLE_SYSTEM_KEY_NAME, "mk")).toBe(true);
    expect(checker.allowsSystem(DURABLE_SYSTEM_KEY_NAME, "fk")).toBe(false);
    expect(checker.allowsSystem("other", "sk")).toBe(false);
  });

  it("never opens admin without a master key", () => {
    expect(new KeyChecker({ functionKeys: ["fk"] }).allows("admin", "")).toBe(false);
  });

  it("takes the header before the code parameter", () => {
    expect(presentedKey("h", new URLSearchParams("code=q"))).toBe("h");
    expect(presentedKey(undefined, new URLSearchParams("code=q"))).toBe("q");
    expect(presentedKey(undefined, new URLSearchParams(""))).toBeUndefined();
  });

  it("derives a stable system key that differs per secret", () => {
    expect(deriveSystemKey("a", DURABLE_SYSTEM_KEY_NAME)).toBe(deriveSystemKey("a", DURABLE_SYSTEM_KEY_NAME));
    expect(deriveSystemKey("a", DURABLE_SYSTEM_KEY_NAME)).not.toBe(deriveSystemKey("b", DURABLE_SYSTEM_KEY_NAME));
  });
});

describe("keys.json", () => {
  it("generates keys once, keeps them across starts and stores them owner-only", async () => {
    const first = await loadOrCreateKeys(join(dir, "a"));
    expect(first.functionKeySource).toBe("generated");
    expect(first.functionKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = await loadOrCreateKeys(join(dir, "a"));
    expect(second).toMatchObject({ functionKey: first.functionKey, masterKey: first.masterKey, functionKeySource: "stored" });
    expect((await stat(first.keysFile)).mode & 0o777).toBe(0o600);
  });

  it("uses a configured function key without writing it to disk", async () => {
    const keys = await loadOrCreateKeys(join(dir, "b"), "configured-key");
    expect(keys).toMatchObject({ functionKey: "configured-key", functionKeySource: "settings" });
    expect(await readFile(keys.keysFile, "utf8")).not.toContain("configured-key");
  });
});

describe("host.json route prefix", () => {
  it("reads extensions.http.routePrefix and defaults to api", async () => {
    expect(routePrefixFrom({ extensions: { http: { routePrefix: "/v1/" } } })).toBe("v1");
    expect(routePrefixFrom({ extensions: { http: { routePrefix: "" } } })).toBe("");
    expect(routePrefixFrom({ version: "2.0" })).toBe("api");
    const file = join(dir, "host.json");
    await writeFile(file, JSON.stringify({ extensions: { http: { routePrefix: "hooks" } } }));
    expect(await readRoutePrefix([join(dir, "missing.json"), file])).toBe("hooks");
    expect(await readRoutePrefix([join(dir, "missing.json")])).toBe("api");
  });
});
