/**
 * A broken targets file over real HTTP: `/api/health` answers 503 listing every problem with its
 * JSON pointer (settings problems too), and every targets endpoint answers a 503 problem.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startLocalRuntime, type LocalRuntime } from "../../../src/local/host.js";
import { resetSettingsCache } from "../../../src/config/settings.js";
import { resetTargetsCache } from "../../../src/config/targets.js";
import { PROBLEM_TYPES } from "../../../src/functions/http/problem.js";
import type { HealthDetails, HealthResource } from "../../../src/functions/http/apiTypes.js";

const SUB = "4385cf00-2d3a-425a-832f-f4285b1c9dce";
const good = { name: "web", containerApp: { subscriptionId: SUB, resourceGroup: "rg", containerApp: "web-app" }, image: { loginServer: "contoso.azurecr.io", repository: "web" } };
const BROKEN = {
  allow: { resourceGroups: ["rg"] },
  targets: [
    good,
    { ...good, containerApp: { subscriptionId: SUB, resourceGroup: "rg-elsewhere", containerApp: "web-app" } },
    { ...good, name: "api", image: { loginServer: "contoso.azurecr.io", repository: "Web" }, policy: { onFailure: "pray" }, colour: "blue" },
  ],
};
const EXPECTED_TARGET_ERRORS = [
  "/targets/1/containerApp/resourceGroup",
  "/targets/1/name",
  "/targets/2/colour",
  "/targets/2/image/repository",
  "/targets/2/policy/onFailure",
];

let runtime: LocalRuntime;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "aca-rollout-targets-config-"));
  const file = join(dataDir, "targets.json");
  await writeFile(file, JSON.stringify(BROKEN));
  // A settings problem too: health reports both kinds together.
  delete process.env.ACA_ROLLOUT_ARM_ENDPOINT;
  delete process.env.ACA_ROLLOUT_TARGETS;
  process.env.ACA_ROLLOUT_MODE = "sandbox";
  process.env.ACA_ROLLOUT_TARGETS_FILE = file;
  resetSettingsCache();
  resetTargetsCache();
  runtime = await startLocalRuntime({
    functionModules: [resolve(import.meta.dirname, "../../../src/functions/targets.ts"), resolve(import.meta.dirname, "../../../src/functions/health.ts")],
    clock: new VirtualClock("2026-03-01T00:00:00.000Z"),
    port: 0,
    dataDir,
    log: () => {},
  });
});

afterAll(async () => {
  await runtime?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  delete process.env.ACA_ROLLOUT_TARGETS_FILE;
  resetTargetsCache();
  resetSettingsCache();
});

describe("an invalid targets configuration", () => {
  it("makes GET /api/health answer 503 naming every settings and targets error by its path, and no more", async () => {
    const response = await fetch(`${runtime.url}/api/health`);
    expect(response.status).toBe(503);
    const text = await response.text();
    const body = JSON.parse(text) as HealthResource;
    expect(body.status).toBe("unhealthy");
    expect(body.mode).toBe("sandbox");
    expect(body.configuration.valid).toBe(false);
    // Settings problems first, then every targets problem.
    const paths = body.configuration.errors.map((e) => e.path);
    expect(paths[0]).toBe("/ACA_ROLLOUT_ARM_ENDPOINT");
    expect(paths.slice(1).sort()).toEqual(EXPECTED_TARGET_ERRORS);
    // Messages quote values ("rg-elsewhere", "pray"); an anonymous caller gets none of them.
    for (const error of body.configuration.errors) expect(Object.keys(error)).toEqual(["path"]);
    for (const value of ["rg-elsewhere", "pray", "duplicate"]) expect(text).not.toContain(value);
  });

  it("gives the messages with the function key on GET /api/health/details", async () => {
    expect((await fetch(`${runtime.url}/api/health/details`)).status).toBe(401);
    const response = await fetch(`${runtime.url}/api/health/details`, { headers: { "x-functions-key": runtime.functionKey } });
    expect(response.status).toBe(503);
    const body = (await response.json()) as HealthDetails;
    expect(body.configuration.errors[0]?.path).toBe("/ACA_ROLLOUT_ARM_ENDPOINT");
    expect(body.configuration.errors).toContainEqual({ path: "/targets/1/name", message: 'duplicate target name "web" (also /targets/0/name)' });
    expect(body.configuration.errors).toContainEqual({ path: "/targets/1/containerApp/resourceGroup", message: 'resource group "rg-elsewhere" is not in allow.resourceGroups' });
    expect(body.configuration.errors).toContainEqual({ path: "/targets/2/colour", message: "is not a known field" });
    for (const error of body.configuration.errors) expect(Object.keys(error).sort()).toEqual(["message", "path"]);
  });

  it("makes every targets endpoint answer a 503 problem listing the errors, even for a target that is valid on its own", async () => {
    const key = { "x-functions-key": runtime.functionKey };
    const requests: [string, string][] = [
      ["GET", "/targets"],
      ["GET", "/targets/web"],
      ["DELETE", `/targets/web/quarantine/sha256:${"a".repeat(64)}`],
    ];
    for (const [method, path] of requests) {
      const response = await fetch(`${runtime.url}/api${path}`, { method, headers: key });
      expect(response.status, `${method} ${path}`).toBe(503);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await response.json()) as { type: string; status: number; errors: { pointer: string; detail: string }[] };
      expect(problem).toMatchObject({ type: PROBLEM_TYPES.configurationInvalid, status: 503, title: expect.any(String) });
      expect(problem.errors.map((e) => e.pointer).sort()).toEqual(EXPECTED_TARGET_ERRORS);
    }
  });

  it("still needs the function key", async () => {
    expect((await fetch(`${runtime.url}/api/targets`)).status).toBe(401);
  });
});
