/**
 * `/api/targets` over real HTTP against the in-process local runtime: list and get with the
 * `deployTarget` entity's state, secrets shown only as setting names, 404/401, and lifting a quarantine.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startLocalRuntime, type LocalRuntime } from "../../../src/local/host.js";
import { resetSettingsCache } from "../../../src/config/settings.js";
import { resetTargetsCache } from "../../../src/config/targets.js";
import { targetKey } from "../../../src/entities/names.js";
import { PROBLEM_TYPES } from "../../../src/functions/http/problem.js";
import type { TargetList, TargetResource } from "../../../src/functions/http/apiTypes.js";

const SUB = "4385cf00-2d3a-425a-832f-f4285b1c9dce";
const SECRET_VALUE = "npm-s3cr3t-value-91";
const DIGEST_BAD = `sha256:${"a".repeat(64)}`;
const DIGEST_OTHER = `sha256:${"b".repeat(64)}`;
const web = { subscriptionId: SUB, resourceGroup: "rg-web", containerApp: "web-app" };
const api = { subscriptionId: SUB, resourceGroup: "rg-web", containerApp: "api-app", container: "main" };

const DOCUMENT = {
  allow: { subscriptions: [SUB] },
  targets: [
    {
      name: "web",
      containerApp: web,
      image: { loginServer: "contoso.azurecr.io", repository: "team/web" },
      build: {
        registry: { resourceGroup: "rg-web" },
        source: { kind: "git", url: "https://github.com/contoso/web.git", ref: "main" },
        buildArgs: [{ name: "NODE_ENV", value: "production" }, { name: "NPM_TOKEN", fromSetting: "WEB_NPM_TOKEN" }],
      },
      notifications: { slack: [{ webhookUrlSetting: "SLACK_WEB_URL" }], webhook: [{ urlSetting: "HOOK_URL", secretSetting: "HOOK_SECRET" }] },
      autoRollout: { tagPolicy: { kind: "glob", pattern: "release-*" } },
      allowOverrides: ["build.buildArgs"],
    },
    { name: "api", containerApp: api, image: { loginServer: "contoso.azurecr.io", repository: "team/api" } },
  ],
};

const clock = new VirtualClock("2026-03-01T00:00:00.000Z");
let runtime: LocalRuntime;
let dataDir: string;

const keyHeader = () => ({ "x-functions-key": runtime.functionKey });
const get = (path: string, headers: Record<string, string> = keyHeader()) => fetch(`${runtime.url}/api${path}`, { headers });
const del = (path: string) => fetch(`${runtime.url}/api${path}`, { method: "DELETE", headers: keyHeader() });
const delJson = (path: string, body: unknown) =>
  fetch(`${runtime.url}/api${path}`, { method: "DELETE", headers: { ...keyHeader(), "content-type": "application/json" }, body: JSON.stringify(body) });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "aca-rollout-targets-"));
  process.env.ACA_ROLLOUT_ARM_ENDPOINT = "https://127.0.0.1:9"; // never contacted by these endpoints
  process.env.ACA_ROLLOUT_TARGETS = JSON.stringify(DOCUMENT);
  process.env.WEB_NPM_TOKEN = SECRET_VALUE;
  process.env.SLACK_WEB_URL = "https://hooks.slack.com/services/T000/B000/XXXX";
  resetSettingsCache();
  resetTargetsCache();
  runtime = await startLocalRuntime({
    functionModules: [resolve(import.meta.dirname, "../../../src/functions/targets.ts"), resolve(import.meta.dirname, "../../../src/functions/health.ts")],
    clock,
    port: 0,
    dataDir,
    log: () => {},
  });
  // The web app has a history: a known good revision, a failed deploy and a quarantined digest.
  const entity = { name: "deployTarget", key: targetKey(web) };
  await runtime.engine.signalEntity(entity, "recordKnownGood", { revision: "web-app--v1", image: `contoso.azurecr.io/team/web@${DIGEST_OTHER}`, digest: DIGEST_OTHER, deploymentId: "dep-1", at: "2026-02-28T10:00:00.000Z" });
  await runtime.engine.signalEntity(entity, "recordDeployment", { deploymentId: "dep-2", outcome: "RolledBack", at: "2026-02-28T11:00:00.000Z" });
  await runtime.engine.signalEntity(entity, "quarantine", { digest: DIGEST_BAD, deploymentId: "dep-2", reason: "revision never became healthy", at: "2026-02-28T11:00:00.000Z" });
  await runtime.engine.idle();
});

afterAll(async () => {
  await runtime?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  resetTargetsCache();
  resetSettingsCache();
});

describe("GET /api/targets", () => {
  it("lists every target with its configuration and remembered state", async () => {
    const response = await get("/targets");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as TargetList;
    expect(body.value.map((t) => t.name)).toEqual(["web", "api"]);
    const [webResource, apiResource] = body.value;
    expect(webResource).toEqual({
      name: "web",
      configuration: expect.objectContaining({ containerApp: web, image: { loginServer: "contoso.azurecr.io", repository: "team/web" }, allowOverrides: ["build.buildArgs"] }),
      lastKnownGood: { revision: "web-app--v1", image: `contoso.azurecr.io/team/web@${DIGEST_OTHER}`, digest: DIGEST_OTHER, deploymentId: "dep-1", at: "2026-02-28T10:00:00.000Z" },
      lastDeployment: { id: "dep-2", outcome: "RolledBack", at: "2026-02-28T11:00:00.000Z" },
      quarantine: [{ digest: DIGEST_BAD, deploymentId: "dep-2", reason: "revision never became healthy", at: "2026-02-28T11:00:00.000Z" }],
      history: [],
      decisions: [],
    });
    // An app never deployed has no entity yet: no state, empty quarantine.
    expect(apiResource).toEqual({ name: "api", configuration: expect.objectContaining({ name: "api", containerApp: api }), quarantine: [], history: [], decisions: [] });
  });

  it("shows secrets only as the names of their settings", async () => {
    const response = await get("/targets/web");
    const text = await response.text();
    expect(response.status).toBe(200);
    const body = JSON.parse(text) as TargetResource;
    expect(body.configuration.build).toMatchObject({ buildArgs: [{ name: "NODE_ENV", value: "production" }, { name: "NPM_TOKEN", fromSetting: "WEB_NPM_TOKEN" }] });
    const events = ["succeeded", "failed", "rolledBack", "superseded", "canceled", "skipped"];
    expect(body.configuration.notifications).toEqual({ teams: [], slack: [{ webhookUrlSetting: "SLACK_WEB_URL", events }], webhook: [{ urlSetting: "HOOK_URL", secretSetting: "HOOK_SECRET", events }] });
    expect(body.configuration.autoRollout).toEqual({ enabled: true, tagPolicy: { kind: "glob", pattern: "release-*" } });
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain("hooks.slack.com");
  });

  it("answers 404 problem+json for an unknown target", async () => {
    for (const name of ["nope", "Not_A-Name"]) {
      const response = await get(`/targets/${name}`);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ type: PROBLEM_TYPES.notFound, status: 404, errors: [{ pointer: "/path/name" }] });
    }
  });

  it("needs the function key", async () => {
    for (const path of ["/targets", "/targets/web"]) {
      const response = await get(path, {});
      expect(response.status).toBe(401);
      expect(await response.text()).toBe("");
    }
    expect((await fetch(`${runtime.url}/api/targets/web/quarantine/${DIGEST_BAD}`, { method: "DELETE" })).status).toBe(401);
    expect((await get("/targets", { "x-functions-key": "wrong" })).status).toBe(401);
    expect((await fetch(`${runtime.url}/api/targets?code=${runtime.functionKey}`)).status).toBe(200);
  });
});

describe("DELETE /api/targets/{name}/quarantine/{digest}", () => {
  it("refuses a malformed digest with 400 and an unknown target with 404, changing nothing", async () => {
    for (const digest of ["sha256:abc", `sha256:${"A".repeat(64)}`, `md5:${"a".repeat(64)}`]) {
      const response = await del(`/targets/web/quarantine/${encodeURIComponent(digest)}`);
      expect(response.status, digest).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ type: PROBLEM_TYPES.validation, status: 400, errors: [{ pointer: "/path/digest" }] });
    }
    const unknown = await del(`/targets/nope/quarantine/${DIGEST_BAD}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: PROBLEM_TYPES.notFound, errors: [{ pointer: "/path/name" }] });
    await runtime.engine.idle();
    expect(await runtime.engine.readEntityState({ name: "deployTarget", key: targetKey(web) })).toMatchObject({ state: { quarantine: [{ digest: DIGEST_BAD }] } });
  });

  it("answers 404 for a digest that is not quarantined, on an app with or without state", async () => {
    const response = await del(`/targets/web/quarantine/${DIGEST_OTHER}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ type: PROBLEM_TYPES.notFound, errors: [{ pointer: "/path/digest" }] });
    expect((await del(`/targets/api/quarantine/${DIGEST_BAD}`)).status).toBe(404);
  });

  it("lifts a quarantined digest with 204, then answers 404 for it", async () => {
    const lifted = await del(`/targets/web/quarantine/${encodeURIComponent(DIGEST_BAD)}`);
    expect(lifted.status).toBe(204);
    expect(await lifted.text()).toBe("");
    await runtime.engine.idle();
    const after = (await (await get("/targets/web")).json()) as TargetResource;
    expect(after.quarantine).toEqual([]);
    // The rest of the record is untouched.
    expect(after.lastKnownGood?.revision).toBe("web-app--v1");
    expect((await del(`/targets/web/quarantine/${DIGEST_BAD}`)).status).toBe(404);
  });
});

describe("DELETE /api/targets/{name}/lock", () => {
  const entity = { name: "deployTarget", key: targetKey(api) };

  it("refuses a body without a reason, with an unknown field, or not JSON (400/415), and an unknown target (404)", async () => {
    for (const [body, pointer] of [
      [{}, "/reason"],
      [{ reason: "  " }, "/reason"],
      [{ reason: "x".repeat(501) }, "/reason"],
      [{ reason: "ok", force: true }, "/force"],
      [["reason"], ""],
    ] as const) {
      const response = await delJson("/targets/api/lock", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ type: PROBLEM_TYPES.validation, errors: [{ pointer }] });
    }
    const text = await fetch(`${runtime.url}/api/targets/api/lock`, { method: "DELETE", headers: { ...keyHeader(), "content-type": "text/plain" }, body: "stuck" });
    expect(text.status).toBe(415);
    expect((await del("/targets/api/lock")).status).toBe(415);
    const unknown = await delJson("/targets/nope/lock", { reason: "stuck" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: PROBLEM_TYPES.notFound, errors: [{ pointer: "/path/name" }] });
    expect((await fetch(`${runtime.url}/api/targets/api/lock`, { method: "DELETE", body: "{}" })).status).toBe(401);
  });

  it("answers 409 when no deploy holds the app", async () => {
    const response = await delJson("/targets/api/lock", { reason: "stuck" });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ type: PROBLEM_TYPES.conflict, status: 409 });
  });

  it("frees a held app with 204, passes it to the newest waiter, and records when, whom and why in the target's history", async () => {
    for (const id of ["dep-stuck", "dep-old", "dep-new"]) await runtime.engine.signalEntity(entity, "enqueue", { deploymentId: id });
    await runtime.engine.idle();
    const held = (await (await get("/targets/api")).json()) as TargetResource;
    expect(held.lock).toEqual({ holder: "dep-stuck", waiting: ["dep-old", "dep-new"] });

    const response = await delJson("/targets/api/lock", { reason: "dep-stuck's host was lost in the outage" });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    await runtime.engine.idle();
    const after = (await (await get("/targets/api")).json()) as TargetResource;
    expect(after.lock).toEqual({ holder: "dep-new", waiting: [] });
    expect(after.history).toEqual([{ at: expect.any(String), event: "lock-released-by-hand", holder: "dep-stuck", reason: "dep-stuck's host was lost in the outage" }]);
    // Stamped when the request was handled, by the host's wall clock (the runtime's virtual clock here).
    expect(after.history[0]!.at).toBe(new Date(clock.now()).toISOString());
    // The waiter it skipped learns it was superseded even without a wake-up event.
    expect(await runtime.engine.readEntityState(entity)).toMatchObject({ state: { queue: { superseded: [{ instanceId: "dep-old", supersededBy: "dep-new" }] } } });
  });
});
