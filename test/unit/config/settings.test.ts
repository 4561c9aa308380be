import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings } from "../../../src/config/settings.js";
import { ConfigurationError } from "../../../src/domain/errors.js";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

function caFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "settings-"));
  const file = join(dir, "ca.pem");
  writeFileSync(file, PEM);
  return file;
}

describe("loadSettings", () => {
  it("defaults to Azure's endpoint in azure mode", () => {
    const s = loadSettings({ ACA_ROLLOUT_MODE: "azure" });
    expect(s).toMatchObject({ mode: "azure", armEndpoint: "https://management.azure.com", taskHub: "acarollout", dataDir: ".aca-rollout" });
    expect(s.armCaPem).toBeUndefined();
    expect(s.armRetry).toEqual({ maxRetries: 3, retryDelayInMs: 800, maxRetryDelayInMs: 10_000 });
  });

  it("reads the SDK retry policy and rejects nonsense", () => {
    expect(loadSettings({ ACA_ROLLOUT_MODE: "azure", ACA_ROLLOUT_ARM_MAX_RETRIES: "0", ACA_ROLLOUT_ARM_RETRY_DELAY_MS: "25" }).armRetry).toMatchObject({ maxRetries: 0, retryDelayInMs: 25 });
    expect(() => loadSettings({ ACA_ROLLOUT_MODE: "azure", ACA_ROLLOUT_ARM_MAX_RETRIES: "lots" })).toThrow(/ACA_ROLLOUT_ARM_MAX_RETRIES/);
  });

  it("reads the sandbox endpoint, CA and registry map", () => {
    const s = loadSettings({
      ACA_ROLLOUT_ARM_ENDPOINT: "https://127.0.0.1:8443/",
      ACA_ROLLOUT_ARM_CA_FILE: caFile(),
      ACA_ROLLOUT_REGISTRY_ENDPOINTS: JSON.stringify({ "demo.azurecr.io": "https://127.0.0.1:8443" }),
    });
    expect(s.mode).toBe("sandbox");
    expect(s.armEndpoint).toBe("https://127.0.0.1:8443");
    expect(s.armCaPem).toBe(PEM);
    expect(s.registryEndpoints).toEqual({ "demo.azurecr.io": "https://127.0.0.1:8443" });
  });

  it("treats empty strings as unset, as local.settings.json does", () => {
    expect(loadSettings({ ACA_ROLLOUT_MODE: "azure", ACA_ROLLOUT_ARM_CA_FILE: "", ACA_ROLLOUT_TASK_HUB: "" })).toMatchObject({ armCaPem: undefined, taskHub: "acarollout" });
  });

  it("reports every problem with its path at once", () => {
    let caught: unknown;
    try {
      loadSettings({
        ACA_ROLLOUT_MODE: "azure",
        ACA_ROLLOUT_ARM_ENDPOINT: "http://insecure.example",
        ACA_ROLLOUT_TASK_HUB: "x",
        ACA_ROLLOUT_ARM_MAX_RETRIES: "-1",
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const paths = (caught as ConfigurationError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(["/ACA_ROLLOUT_ARM_ENDPOINT", "/ACA_ROLLOUT_ARM_MAX_RETRIES", "/ACA_ROLLOUT_TASK_HUB"]);
  });

  it("rejects an unreadable CA file, a non-PEM file, a bad registry map and a missing sandbox endpoint", () => {
    const dir = mkdtempSync(join(tmpdir(), "settings-"));
    const notPem = join(dir, "x.txt");
    writeFileSync(notPem, "hello");
    const issues = (env: NodeJS.ProcessEnv): string[] => {
      try {
        loadSettings(env);
        return [];
      } catch (error) {
        return (error as ConfigurationError).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(issues({ ACA_ROLLOUT_MODE: "azure", ACA_ROLLOUT_ARM_CA_FILE: join(dir, "missing.pem") })).toEqual([
      "/ACA_ROLLOUT_ARM_CA_FILE: cannot be read (ENOENT)",
    ]);
    expect(issues({ ACA_ROLLOUT_MODE: "azure", ACA_ROLLOUT_ARM_CA_FILE: notPem })).toEqual(["/ACA_ROLLOUT_ARM_CA_FILE: is not a PEM certificate"]);
    expect(issues({ ACA_ROLLOUT_MODE: "azure", ACA_ROLLOUT_REGISTRY_ENDPOINTS: "{" })[0]).toMatch(/^\/ACA_ROLLOUT_REGISTRY_ENDPOINTS:/);
    expect(issues({ ACA_ROLLOUT_MODE: "azure", ACA_ROLLOUT_REGISTRY_ENDPOINTS: '{"a.azurecr.io":"http://x"}' })).toEqual([
      "/ACA_ROLLOUT_REGISTRY_ENDPOINTS/a.azurecr.io: must be an https:// URL",
    ]);
    expect(issues({})).toEqual(["/ACA_ROLLOUT_ARM_ENDPOINT: is required in sandbox mode (npm start sets it)"]);
  });
});
