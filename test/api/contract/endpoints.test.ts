/**
 * Every endpoint and every documented error case, over real HTTP against the local runtime and the
 * Azure sandbox, each response validated against the served OpenAPI document by the client (an
 * undocumented status, content type, body field or missing header fails the test).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetSettingsCache } from "../../../src/config/settings.js";
import { targetKey } from "../../../src/entities/names.js";
import type { DeploymentAccepted, DeploymentPage, DeploymentResource, HealthDetails, HealthResource, TargetList, TargetResource } from "../../../src/functions/http/apiTypes.js";
import { PROBLEM_TYPES, type Problem } from "../../../src/functions/http/problem.js";
import { RESOURCE_GROUP, SUBSCRIPTION } from "../../e2e/world.js";
import { CONTRACT_TARGETS, startContractWorld, WEB_APP, type ContractWorld } from "./contractWorld.js";

const QUARANTINED = `sha256:${"c".repeat(64)}`;
const ROUTES_WITH_KEY: [string, string][] = [
  ["POST", "/deployments"],
  ["GET", "/deployments"],
  ["GET", "/deployments/dep-x"],
  ["POST", "/deployments/dep-x/cancel"],
  ["POST", "/uploads"],
  ["GET", "/targets"],
  ["GET", "/targets/web"],
  ["DELETE", `/targets/web/quarantine/${QUARANTINED}`],
  ["DELETE", "/targets/web/lock"],
  ["GET", "/health/details"],
];

let cw: ContractWorld;
let v2Digest: string;

beforeAll(async () => {
  cw = await startContractWorld();
  await cw.world.seedApp(WEB_APP);
  v2Digest = await cw.world.pushImage("v2");
});

afterAll(async () => {
  await cw?.stop();
});

const problemOf = (body: unknown): Problem => body as Problem;

describe("system", () => {
  it("GET /health is anonymous and healthy with valid settings and targets", async () => {
    const { status, body } = await cw.client.request<HealthResource>("GET", "/health", { key: false });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "healthy", mode: "sandbox", configuration: { valid: true, errors: [], warnings: [] } });
    const details = await cw.client.request<HealthDetails>("GET", "/health/details");
    expect([details.status, details.body.configuration]).toEqual([200, { valid: true, errors: [], warnings: [] }]);
  });

  it("GET /health stays 200 for targets declaring notifications and autoRollout; without a webhook secret it warns that the ACR webhook refuses every call", async () => {
    const [web, builder] = CONTRACT_TARGETS.targets;
    cw.setTargets({
      ...CONTRACT_TARGETS,
      targets: [
        web,
        { ...builder, notifications: { teams: [{ webhookUrlSetting: "TEAMS_URL" }], slack: [{ webhookUrlSetting: "SLACK_URL" }] }, autoRollout: { tagPolicy: { kind: "semver", pattern: "^1.0.0" } } },
      ],
    });
    try {
      const anonymous = await cw.client.request<HealthResource>("GET", "/health", { key: false });
      expect([anonymous.status, anonymous.body.status, anonymous.body.configuration]).toEqual([
        200,
        "healthy",
        { valid: true, errors: [], warnings: [{ path: "/ACA_ROLLOUT_WEBHOOK_SECRET" }] },
      ]);
      const details = await cw.client.request<HealthDetails>("GET", "/health/details");
      expect(details.body.configuration.warnings).toEqual([
        { path: "/ACA_ROLLOUT_WEBHOOK_SECRET", message: expect.stringContaining("POST /api/webhooks/acr refuses every call (401), so target(s) builder with autoRollout") },
      ]);
      // With the secret set, nothing to warn about.
      process.env.ACA_ROLLOUT_WEBHOOK_SECRET = "a-secret-of-sixteen-characters-or-more";
      resetSettingsCache();
      const withSecret = await cw.client.request<HealthResource>("GET", "/health", { key: false });
      expect(withSecret.body.configuration.warnings).toEqual([]);
    } finally {
      delete process.env.ACA_ROLLOUT_WEBHOOK_SECRET;
      resetSettingsCache();
      cw.setTargets(CONTRACT_TARGETS);
    }
  });

  it("GET /openapi.json is anonymous", async () => {
    expect((await cw.client.request("GET", "/openapi.json", { key: false })).status).toBe(200);
  });

  it.each(ROUTES_WITH_KEY)("%s %s without a key, or with a wrong one, is 401 with no body", async (method, path) => {
    for (const key of [false, "not-the-key"] as const) {
      const response = await cw.client.request(method, path, { key });
      expect(response.status).toBe(401);
      expect(response.text).toBe("");
    }
  });

  it("the key is also accepted as ?code=", async () => {
    expect((await cw.client.request("GET", "/targets", { keyIn: "query" })).status).toBe(200);
  });
});

describe("deployments", () => {
  let succeededId: string;

  it("POST /deployments starts a deploy: 202 with Location and Retry-After; it runs to Succeeded and GET shows its timeline", async () => {
    const started = await cw.client.request<DeploymentAccepted>("POST", "/deployments", { body: { target: "web", tag: "v2" } });
    expect(started.status).toBe(202);
    expect(started.headers.get("location")).toBe(started.body.statusUrl);
    succeededId = started.body.id;

    const running = await cw.client.request<DeploymentResource>("GET", started.body.statusUrl);
    expect(running.body).toMatchObject({ id: succeededId, target: "web", image: { tag: "v2" } });

    const final = await cw.world.runToEnd(succeededId);
    expect(final.runtimeStatus).toBe("Completed");
    const done = await cw.client.request<DeploymentResource>("GET", `/deployments/${succeededId}`);
    expect(done.body).toMatchObject({ status: "Succeeded", image: { digest: v2Digest } });
    expect(done.body.steps.map((s) => s.name)).toContain("verify");
    expect(done.body.revision).toBeDefined();
  });

  it("POST /deployments by digest with an allowed policy override", async () => {
    const started = await cw.client.request<DeploymentAccepted>("POST", "/deployments", { body: { target: "web", digest: v2Digest, policy: { verifyTimeoutSeconds: 240 } } });
    expect(started.status).toBe(202);
    await cw.world.runToEnd(started.body.id);
  });

  it("Idempotency-Key: the same request gets the same answer, another request with the key is 409", async () => {
    const headers = { "Idempotency-Key": "release-2026-11-28" };
    const first = await cw.client.request<DeploymentAccepted>("POST", "/deployments", { body: { target: "web", tag: "v2" }, headers });
    const again = await cw.client.request<DeploymentAccepted>("POST", "/deployments", { body: { target: "web", tag: "v2" }, headers });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body.id).toBe(first.body.id);
    const other = await cw.client.request("POST", "/deployments", { body: { target: "web", tag: "v1" }, headers });
    expect(other.status).toBe(409);
    expect(problemOf(other.body).type).toBe(PROBLEM_TYPES.idempotencyKeyReused);
    await cw.world.runToEnd(first.body.id);
  });

  it.each([
    ["an unknown field", { target: "web", tag: "v2", colour: "blue" }, "/colour"],
    ["a missing target", { tag: "v2" }, "/target"],
    ["a bad tag", { target: "web", tag: "-nope" }, "/tag"],
    ["a policy field the target does not allow", { target: "web", tag: "v2", policy: { onFailure: "none" } }, "/policy/onFailure"],
  ])("POST /deployments with %s is a 400 validation problem pointing at it", async (_what, body, pointer) => {
    const response = await cw.client.request("POST", "/deployments", { body });
    expect(response.status).toBe(400);
    expect(problemOf(response.body)).toMatchObject({ type: PROBLEM_TYPES.validation, errors: expect.arrayContaining([expect.objectContaining({ pointer })]) });
  });

  it("POST /deployments: malformed JSON 400, an invalid Idempotency-Key 400, non-JSON 415, an oversized body 413", async () => {
    const malformed = await cw.client.request("POST", "/deployments", { body: "{not json", headers: { "content-type": "application/json" } });
    expect([malformed.status, problemOf(malformed.body).type]).toEqual([400, PROBLEM_TYPES.malformedJson]);
    const badKey = await cw.client.request("POST", "/deployments", { body: { target: "web", tag: "v2" }, headers: { "Idempotency-Key": "k".repeat(129) } });
    expect([badKey.status, problemOf(badKey.body).errors?.[0]?.pointer]).toEqual([400, "/headers/idempotency-key"]);
    const text = await cw.client.request("POST", "/deployments", { body: "target=web", headers: { "content-type": "text/plain" } });
    expect([text.status, problemOf(text.body).type]).toEqual([415, PROBLEM_TYPES.unsupportedMediaType]);
    const large = await cw.client.request("POST", "/deployments", { body: { target: "web", tag: "v2", policy: { smokePath: `/${"x".repeat(70 * 1024)}` } } });
    expect([large.status, problemOf(large.body).type]).toEqual([413, PROBLEM_TYPES.payloadTooLarge]);
  });

  it("POST /deployments for an unknown target is 404", async () => {
    const response = await cw.client.request("POST", "/deployments", { body: { target: "nowhere", tag: "v2" } });
    expect([response.status, problemOf(response.body).type]).toEqual([404, PROBLEM_TYPES.notFound]);
  });

  it("POST /deployments naming a registry outside the allow list is 403", async () => {
    const build = { registry: { resourceGroup: "rg-elsewhere", name: "otheracr" }, source: { kind: "git", url: "https://github.com/contoso/web.git" } };
    const response = await cw.client.request("POST", "/deployments", { body: { target: "builder", tag: "v3", build } });
    expect([response.status, problemOf(response.body).type]).toEqual([403, PROBLEM_TYPES.forbiddenTarget]);
  });

  it("GET /deployments/{id} of an unknown id is 404", async () => {
    const response = await cw.client.request("GET", "/deployments/dep-unknown");
    expect([response.status, problemOf(response.body).type]).toEqual([404, PROBLEM_TYPES.notFound]);
  });

  it("GET /deployments lists newest first, filters, and pages with continuationToken and nextLink", async () => {
    const all = await cw.client.request<DeploymentPage>("GET", "/deployments", { query: { target: "web" } });
    expect(all.status).toBe(200);
    expect(all.body.value.length).toBeGreaterThanOrEqual(3);
    const created = all.body.value.map((d) => d.createdAt);
    expect([...created].sort().reverse()).toEqual(created);

    const first = await cw.client.request<DeploymentPage>("GET", "/deployments", { query: { target: "web", top: 1 } });
    expect(first.body.value).toHaveLength(1);
    expect(first.body.continuationToken).toBeDefined();
    const second = await cw.client.request<DeploymentPage>("GET", first.body.nextLink!);
    expect(second.body.value[0]?.id).toBe(all.body.value[1]?.id);
    const byToken = await cw.client.request<DeploymentPage>("GET", "/deployments", { query: { target: "web", top: 1, continuationToken: first.body.continuationToken } });
    expect(byToken.body.value[0]?.id).toBe(all.body.value[1]?.id);

    const succeeded = await cw.client.request<DeploymentPage>("GET", "/deployments", { query: { status: "Succeeded" } });
    expect(succeeded.body.value.every((d) => d.status === "Succeeded")).toBe(true);
    expect(succeeded.body.value.map((d) => d.id)).toContain(succeededId);
  });

  it.each([
    [{ top: 0 }, "/query/top"],
    [{ status: "Exploded" }, "/query/status"],
    [{ colour: "blue" }, "/query/colour"],
    [{ continuationToken: "forged" }, "/query/continuationToken"],
  ])("GET /deployments with %o is 400 pointing at %s", async (query, pointer) => {
    const response = await cw.client.request("GET", "/deployments", { query });
    expect(response.status).toBe(400);
    expect(problemOf(response.body).errors?.map((e) => e.pointer)).toContain(pointer);
  });

  it("POST /deployments/{id}/cancel: 202 for a running deploy, which ends Canceled; 409 once it has ended; 404 for an unknown id", async () => {
    const started = await cw.client.request<DeploymentAccepted>("POST", "/deployments", { body: { target: "web", tag: "v2" } });
    await cw.world.runToEnd(started.body.id, { until: (s) => (s.customStatus as { phase?: string } | undefined)?.phase === "Verifying" || s.runtimeStatus !== "Running" });
    const cancel = await cw.client.request<DeploymentAccepted>("POST", `/deployments/${started.body.id}/cancel`);
    expect(cancel.status).toBe(202);
    expect(cancel.body.id).toBe(started.body.id);
    await cw.world.runToEnd(started.body.id);
    const canceled = await cw.client.request<DeploymentResource>("GET", `/deployments/${started.body.id}`);
    expect(canceled.body.status).toBe("Canceled");

    const again = await cw.client.request("POST", `/deployments/${started.body.id}/cancel`, { body: {} });
    expect([again.status, problemOf(again.body).type]).toEqual([409, PROBLEM_TYPES.conflict]);
    const unknown = await cw.client.request("POST", "/deployments/dep-unknown/cancel");
    expect([unknown.status, problemOf(unknown.body).type]).toEqual([404, PROBLEM_TYPES.notFound]);
  });

  it("POST /deployments/{id}/cancel with a body: fields 400, non-JSON 415, oversized 413", async () => {
    const fields = await cw.client.request("POST", "/deployments/dep-unknown/cancel", { body: { reason: "because" } });
    expect([fields.status, problemOf(fields.body).errors?.[0]?.pointer]).toEqual([400, "/reason"]);
    const text = await cw.client.request("POST", "/deployments/dep-unknown/cancel", { body: "stop", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    const large = await cw.client.request("POST", "/deployments/dep-unknown/cancel", { body: { pad: "x".repeat(70 * 1024) } });
    expect(large.status).toBe(413);
  });
});

describe("targets", () => {
  beforeAll(async () => {
    const entity = { name: "deployTarget", key: targetKey({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: WEB_APP }) };
    await cw.world.runtime.engine.signalEntity(entity, "quarantine", { digest: QUARANTINED, deploymentId: "dep-bad", reason: "revision never became healthy", at: "2026-11-28T08:00:00.000Z" });
    await cw.world.settle();
  });

  it("GET /targets lists every configured target", async () => {
    const { status, body } = await cw.client.request<TargetList>("GET", "/targets");
    expect(status).toBe(200);
    expect(body.value.map((t) => t.name)).toEqual(CONTRACT_TARGETS.targets.map((t) => t.name));
  });

  it("GET /targets/{name}: the target with its quarantine, last known good and last deployment; 404 for an unknown name", async () => {
    const { status, body } = await cw.client.request<TargetResource>("GET", "/targets/web");
    expect(status).toBe(200);
    expect(body.quarantine.map((q) => q.digest)).toContain(QUARANTINED);
    expect(body.lastKnownGood?.digest).toBeDefined();
    expect(body.lastDeployment?.outcome).toBeDefined();
    const unknown = await cw.client.request("GET", "/targets/nowhere");
    expect([unknown.status, problemOf(unknown.body).type]).toEqual([404, PROBLEM_TYPES.notFound]);
  });

  it("POST /deployments of a quarantined digest is a 409 digest-quarantined problem pointing at /digest; nothing starts", async () => {
    const before = (await cw.world.runtime.engine.listInstances({ showInput: false })).instances.length;
    const response = await cw.client.request("POST", "/deployments", { body: { target: "web", digest: QUARANTINED } });
    expect([response.status, problemOf(response.body).type]).toEqual([409, PROBLEM_TYPES.digestQuarantined]);
    expect(problemOf(response.body)).toMatchObject({ errors: [{ pointer: "/digest" }], quarantine: { deploymentId: "dep-bad", lift: `DELETE /api/targets/web/quarantine/${QUARANTINED}` } });
    await cw.world.settle();
    expect((await cw.world.runtime.engine.listInstances({ showInput: false })).instances.length).toBe(before);
  });

  it("POST /deployments of a tag that resolves to a quarantined digest: 202, and the deploy ends Quarantined before any write, its reason naming the DELETE that lifts it", async () => {
    const entity = { name: "deployTarget", key: targetKey({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: WEB_APP }) };
    await cw.world.runtime.engine.signalEntity(entity, "quarantine", { digest: v2Digest, deploymentId: "dep-bad-v2", reason: "revision never became healthy", at: "2026-11-28T08:30:00.000Z" });
    await cw.world.settle();
    const started = await cw.client.request<DeploymentAccepted>("POST", "/deployments", { body: { target: "web", tag: "v2" } });
    expect(started.status).toBe(202);
    await cw.world.runToEnd(started.body.id);
    const done = await cw.client.request<DeploymentResource>("GET", `/deployments/${started.body.id}`);
    expect(done.body).toMatchObject({ status: "Quarantined", image: { tag: "v2", digest: v2Digest } });
    expect(done.body.reason).toContain(`deploy dep-bad-v2 quarantined it`);
    expect(done.body.reason).toContain(`DELETE /api/targets/web/quarantine/${v2Digest}`);
    const listed = await cw.client.request<DeploymentPage>("GET", "/deployments", { query: { status: "Quarantined" } });
    expect(listed.body.value.map((d) => d.id)).toContain(started.body.id);
    await cw.world.runtime.engine.signalEntity(entity, "liftQuarantine", { digest: v2Digest });
    await cw.world.settle();
  });

  it("DELETE /targets/{name}/lock: 409 while the app is free, 400 without a reason, 204 frees a held app and records it in the history; 404 for an unknown target", async () => {
    const free = await cw.client.request("DELETE", "/targets/web/lock", { body: { reason: "stuck" } });
    expect([free.status, problemOf(free.body).type]).toEqual([409, PROBLEM_TYPES.conflict]);
    const noReason = await cw.client.request("DELETE", "/targets/web/lock", { body: {} });
    expect([noReason.status, problemOf(noReason.body).errors?.[0]?.pointer]).toEqual([400, "/reason"]);
    const text = await cw.client.request("DELETE", "/targets/web/lock", { body: "stuck", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);

    const entity = { name: "deployTarget", key: targetKey({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: WEB_APP }) };
    await cw.world.runtime.engine.signalEntity(entity, "enqueue", { deploymentId: "dep-gone" });
    await cw.world.settle();
    const held = await cw.client.request<TargetResource>("GET", "/targets/web");
    expect(held.body.lock).toEqual({ holder: "dep-gone", waiting: [] });
    const freed = await cw.client.request("DELETE", "/targets/web/lock", { body: { reason: "its host was lost" } });
    expect(freed.status).toBe(204);
    await cw.world.settle();
    const after = await cw.client.request<TargetResource>("GET", "/targets/web");
    expect(after.body.lock).toBeUndefined();
    expect(after.body.history.at(-1)).toMatchObject({ event: "lock-released-by-hand", holder: "dep-gone", reason: "its host was lost" });
    const unknown = await cw.client.request("DELETE", "/targets/nowhere/lock", { body: { reason: "stuck" } });
    expect([unknown.status, problemOf(unknown.body).type]).toEqual([404, PROBLEM_TYPES.notFound]);
  });

  it("DELETE /targets/{name}/quarantine/{digest}: 204 lifts it; then 404; 400 for a malformed digest; 404 for an unknown target", async () => {
    const lifted = await cw.client.request("DELETE", `/targets/web/quarantine/${QUARANTINED}`);
    expect(lifted.status).toBe(204);
    await cw.world.settle();
    const after = await cw.client.request<TargetResource>("GET", "/targets/web");
    expect(after.body.quarantine.map((q) => q.digest)).not.toContain(QUARANTINED);
    const twice = await cw.client.request("DELETE", `/targets/web/quarantine/${QUARANTINED}`);
    expect(twice.status).toBe(404);
    const malformed = await cw.client.request("DELETE", "/targets/web/quarantine/sha256:nothex");
    expect([malformed.status, problemOf(malformed.body).type]).toEqual([400, PROBLEM_TYPES.validation]);
    const unknown = await cw.client.request("DELETE", `/targets/nowhere/quarantine/${QUARANTINED}`);
    expect(unknown.status).toBe(404);
  });
});

describe("invalid targets configuration", () => {
  beforeAll(() => cw.setTargets({ targets: [{ name: "Bad Name" }] }));
  afterAll(() => cw.setTargets(CONTRACT_TARGETS));

  it("health is 503 naming the problems; their messages need the key", async () => {
    const { status, body } = await cw.client.request<HealthResource>("GET", "/health", { key: false });
    expect(status).toBe(503);
    expect(body.configuration.valid).toBe(false);
    expect(body.configuration.errors.length).toBeGreaterThan(0);
    for (const error of body.configuration.errors) expect(Object.keys(error)).toEqual(["path"]);
    const details = await cw.client.request<HealthDetails>("GET", "/health/details");
    expect(details.status).toBe(503);
    expect(details.body.configuration.errors.map((e) => e.path)).toEqual(body.configuration.errors.map((e) => e.path));
    for (const error of details.body.configuration.errors) expect(error.message).toBeTruthy();
  });

  it.each([
    ["POST", "/deployments"],
    ["GET", "/targets"],
    ["GET", "/targets/web"],
    ["DELETE", `/targets/web/quarantine/${QUARANTINED}`],
    ["DELETE", "/targets/web/lock"],
  ])("%s %s is a 503 configuration problem", async (method, path) => {
    const body = method === "POST" ? { target: "web", tag: "v2" } : path.endsWith("/lock") ? { reason: "stuck" } : undefined;
    const response = await cw.client.request(method, path, body !== undefined ? { body } : {});
    expect([response.status, problemOf(response.body).type]).toEqual([503, PROBLEM_TYPES.configurationInvalid]);
  });
});
