import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { currentTargets, findTarget, loadTargets, resetTargetsCache } from "../../../src/config/targets.js";

const SUB = "4385cf00-2d3a-425a-832f-f4285b1c9dce";
const dir = mkdtempSync(join(tmpdir(), "targets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const web = { name: "web", containerApp: { subscriptionId: SUB, resourceGroup: "rg", containerApp: "web-app" }, image: { loginServer: "contoso.azurecr.io", repository: "web" } };
const api = { ...web, name: "api", containerApp: { ...web.containerApp, containerApp: "api-app" } };

describe("loadTargets", () => {
  it("has no targets when neither setting is set (empty strings count as unset)", () => {
    expect(loadTargets({})).toEqual({ ok: true, targets: [] });
    expect(loadTargets({ ACA_ROLLOUT_TARGETS: "", ACA_ROLLOUT_TARGETS_FILE: "" })).toEqual({ ok: true, targets: [] });
  });

  it("reads the document from ACA_ROLLOUT_TARGETS, with the allow list", () => {
    const result = loadTargets({ ACA_ROLLOUT_TARGETS: JSON.stringify({ targets: [web, api], allow: { subscriptions: [SUB] } }) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.targets.map((t) => t.name)).toEqual(["web", "api"]);
    expect(result.allow).toEqual({ subscriptions: [SUB] });
    expect(findTarget(result, "api")?.containerApp.containerApp).toBe("api-app");
    expect(findTarget(result, "nope")).toBeUndefined();
  });

  it("reads the document from the file named by ACA_ROLLOUT_TARGETS_FILE", () => {
    const file = join(dir, "targets.json");
    writeFileSync(file, JSON.stringify({ targets: [web] }));
    const result = loadTargets({ ACA_ROLLOUT_TARGETS_FILE: file });
    expect(result.ok && result.targets.map((t) => t.name)).toEqual(["web"]);
  });

  it("reports an unreadable file, bad JSON and both settings at once as issues, never throwing", () => {
    expect(loadTargets({ ACA_ROLLOUT_TARGETS_FILE: join(dir, "missing.json") })).toEqual({ ok: false, issues: [{ path: "/ACA_ROLLOUT_TARGETS_FILE", message: "cannot be read (ENOENT)" }] });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ targets: [");
    expect(loadTargets({ ACA_ROLLOUT_TARGETS_FILE: bad })).toEqual({ ok: false, issues: [{ path: "/ACA_ROLLOUT_TARGETS_FILE", message: expect.stringMatching(/^is not valid JSON/) }] });
    expect(loadTargets({ ACA_ROLLOUT_TARGETS: "[1," })).toEqual({ ok: false, issues: [{ path: "/ACA_ROLLOUT_TARGETS", message: expect.stringMatching(/^is not valid JSON/) }] });
    expect(loadTargets({ ACA_ROLLOUT_TARGETS: "{}", ACA_ROLLOUT_TARGETS_FILE: bad })).toEqual({ ok: false, issues: [{ path: "/ACA_ROLLOUT_TARGETS_FILE", message: expect.stringContaining("not both") }] });
  });

  it("never half-loads: one bad target means no targets, and every issue is listed", () => {
    const broken = { ...api, containerApp: { ...api.containerApp, resourceGroup: "bad." }, policy: { onFailure: "pray" } };
    const result = loadTargets({ ACA_ROLLOUT_TARGETS: JSON.stringify({ targets: [web, broken] }) });
    expect(result).toEqual({
      ok: false,
      issues: [
        { path: "/targets/1/containerApp/resourceGroup", message: expect.any(String) },
        { path: "/targets/1/policy/onFailure", message: expect.any(String) },
      ],
    });
    expect(findTarget(result, "web")).toBeUndefined();
  });
});

describe("currentTargets", () => {
  afterEach(() => {
    delete process.env.ACA_ROLLOUT_TARGETS;
    resetTargetsCache();
  });

  it("loads once per process until the cache is reset", () => {
    process.env.ACA_ROLLOUT_TARGETS = JSON.stringify({ targets: [web] });
    resetTargetsCache();
    const first = currentTargets();
    process.env.ACA_ROLLOUT_TARGETS = JSON.stringify({ targets: [web, api] });
    expect(currentTargets()).toBe(first);
    resetTargetsCache();
    const second = currentTargets();
    expect(second.ok && second.targets.map((t) => t.name)).toEqual(["web", "api"]);
  });
});
