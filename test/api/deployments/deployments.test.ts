/**
 * `/api/deployments` over real HTTP against the local runtime and the Azure sandbox: a deploy started
 * by a request and followed through its statusUrl to the end, idempotent retries, 404s and 401s, and
 * cancel (of a finished deploy, and during a build).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeploymentAccepted, DeploymentResource } from "../../../src/functions/http/apiTypes.js";
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES } from "../../../src/functions/http/problem.js";
import { idempotentDeploymentId } from "../../../src/functions/http/deploymentIds.js";
import { LOGIN_SERVER, REPOSITORY } from "../../e2e/world.js";
import { GIT_BUILD, startApiWorld, targetFor, type ApiWorld, type ProblemBody } from "./apiWorld.js";

const SECRET_SETTING = "API_TEST_NPM_TOKEN";
const SECRET = "npm-api-s3cr3t-4d2a";
const PLAIN_ARG_VALUE = "plain-build-arg-value-77";

let api: ApiWorld;
beforeAll(async () => {
  process.env[SECRET_SETTING] = SECRET;
  api = await startApiWorld({
    targets: [
      targetFor("web", "api-web", { allowOverrides: ["policy.verifyTimeoutSeconds"] }),
      targetFor("idem", "api-idem"),
      targetFor("idem-other", "api-idem-other"),
      targetFor("built", "api-built", {
        build: { ...GIT_BUILD, buildArgs: [{ name: "NODE_ENV", value: PLAIN_ARG_VALUE }, { name: "NPM_TOKEN", fromSetting: SECRET_SETTING }] },
      }),
      targetFor("cancel-build", "api-cancel-build", { build: GIT_BUILD }),
      targetFor("finished", "api-finished"),
    ],
  });
});
afterAll(async () => {
  await api?.stop();
  delete process.env[SECRET_SETTING];
});

const PATCHES = (app: string) => api.world.sandbox.callLog.calls({ method: "PATCH" }).filter((c) => c.path.endsWith(`/containerApps/${app}`));

async function start(body: unknown, headers: Record<string, string> = {}): Promise<DeploymentAccepted> {
  const answer = await api.call<DeploymentAccepted>("POST", "/deployments", { json: body, headers });
  expect(answer.status, answer.text).toBe(202);
  return answer.body;
}

describe("POST /api/deployments and GET /api/deployments/{id}", () => {
  it("starts a deploy of a target with a build, followed through statusUrl to Succeeded with its whole timeline", async () => {
    const seeded = await api.world.seedApp("api-built");
    const answer = await api.call<DeploymentAccepted>("POST", "/deployments", { json: { target: "built", tag: "release-7" } });
    expect(answer.status).toBe(202);
    const { id, statusUrl } = answer.body;
    expect(id).toMatch(/^dep-[0-9]{14}-[a-z2-7]{8}$/);
    expect(statusUrl).toBe(`${api.world.runtime.url}/api/deployments/${id}`);
    expect(answer.headers.get("location")).toBe(statusUrl);
    expect(answer.headers.get("retry-after")).toBe("10");
    expect(Object.keys(answer.body).sort()).toEqual(["id", "statusUrl"]);

    // While it builds: the phase, the run id, the build step running.
    await api.world.runToEnd(id, { until: (s) => (s.customStatus as { phase?: string; runId?: string } | null)?.runId !== undefined });
    const building = await api.follow<DeploymentResource>(statusUrl);
    expect(building.status).toBe(200);
    expect(building.body.status).toBe("Building");
    expect(building.body.runId).toBeDefined();
    expect(building.body.steps.find((s) => s.name === "build")?.status).toBe("running");
    expect(building.body.reason).toBeUndefined();

    await api.world.runToEnd(id);
    const done = await api.follow<DeploymentResource>(statusUrl);
    expect(done.status).toBe(200);
    const resource = done.body;
    expect(resource).toMatchObject({ id, target: "built", status: "Succeeded", image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, tag: "release-7" } });
    expect(resource.image.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(resource.reason).toBeTruthy();
    expect(resource.runId).toBe(building.body.runId);
    expect(resource.previousRevision).toBe(api.world.revisions(seeded.name)[0]?.name);
    expect(resource.revision).toBe(api.world.app(seeded.name).latestReadyRevisionName);
    expect(api.world.app(seeded.name).template.containers[0]?.image).toBe(`${LOGIN_SERVER}/${REPOSITORY}@${resource.image.digest}`);
    // The whole timeline, in order, with times.
    expect(resource.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      "queue:succeeded",
      "inspect:succeeded",
      "build:succeeded",
      "resolve-digest:succeeded",
      "deploy:succeeded",
      "verify:succeeded",
      "restart:skipped",
      "verify-after-restart:skipped",
      "rollback:skipped",
      "verify-rollback:skipped",
      "quarantine:skipped",
    ]);
    for (const step of resource.steps.filter((s) => s.status === "succeeded")) expect(Date.parse(step.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(step.startedAt!));
    expect(Date.parse(resource.updatedAt)).toBeGreaterThan(Date.parse(resource.createdAt));
    // The target's build args reached the build, but the API never shows the input, let alone a secret.
    const run = api.world.sandbox.acr.scheduledRun(resource.runId!);
    expect(run?.values).toMatchObject({ buildArg0: `NODE_ENV=${PLAIN_ARG_VALUE}`, buildArg1: `NPM_TOKEN=${SECRET}` });
    for (const hidden of [SECRET, SECRET_SETTING, PLAIN_ARG_VALUE, "buildArgs", "github.com"]) expect(done.text).not.toContain(hidden);
  });

  it("deploys a digest, with an allowed policy override carried into the input", async () => {
    await api.world.seedApp("api-web");
    const digest = await api.world.pushImage("v2");
    const { id } = await start({ target: "web", digest, policy: { verifyTimeoutSeconds: 120 } });
    await api.world.runToEnd(id);
    const resource = await api.deployment(id);
    expect(resource.status).toBe("Succeeded");
    expect(resource.image).toEqual({ loginServer: LOGIN_SERVER, repository: REPOSITORY, digest });
    expect(api.world.app("api-web").template.containers[0]?.image).toBe(`${LOGIN_SERVER}/${REPOSITORY}@${digest}`);
    const input = (await api.world.runtime.engine.getStatus(id, { showInput: true }))?.input as { policy: { verifyTimeoutSeconds: number }; targetName: string; requestedAt: string };
    expect(input.policy.verifyTimeoutSeconds).toBe(120);
    expect(input.targetName).toBe("web");
    expect(Number.isNaN(Date.parse(input.requestedAt))).toBe(false);
  });

  it("404s, as problem+json, an unknown deployment and an instance that is not a deploy", async () => {
    const missing = await api.call<ProblemBody>("GET", "/deployments/dep-nope");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(missing.body).toMatchObject({ type: PROBLEM_TYPES.notFound, status: 404, errors: [{ pointer: "/path/id" }] });
    // Not even a possible id: still just not found.
    expect((await api.call("GET", "/deployments/Not_An_Id")).status).toBe(404);

    // The build wait of the first test is a sub-orchestration: it exists, but it is not a deployment.
    const page = await api.world.runtime.engine.listInstances({ showInput: false });
    const sub = page.instances.find((i) => i.name === "waitForBuildRun");
    expect(sub).toBeDefined();
    const answer = await api.call<ProblemBody>("GET", `/deployments/${sub!.instanceId}`);
    expect(answer.status).toBe(404);
    expect(answer.body.type).toBe(PROBLEM_TYPES.notFound);
  });

  it("404s an unknown target and starts nothing", async () => {
    const before = await api.instanceIds();
    const calls = api.world.sandbox.callLog.calls().length;
    const answer = await api.call<ProblemBody>("POST", "/deployments", { json: { target: "no-such-target", tag: "v2" } });
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(answer.body).toMatchObject({ type: PROBLEM_TYPES.notFound, status: 404, errors: [{ pointer: "/target" }] });
    expect(answer.body.detail).toContain("no-such-target");
    expect(await api.instanceIds()).toEqual(before);
    expect(api.world.sandbox.callLog.calls().length).toBe(calls);
  });

  it("401s without the function key or with a wrong one, on every endpoint", async () => {
    const before = await api.instanceIds();
    for (const key of [null, "wrong-key"]) {
      const post = await api.call("POST", "/deployments", { json: { target: "web", tag: "v2" }, key });
      expect(post.status).toBe(401);
      expect(post.text).toBe("");
      expect((await api.call("GET", "/deployments", { key })).status).toBe(401);
      expect((await api.call("GET", "/deployments/dep-x", { key })).status).toBe(401);
      expect((await api.call("POST", "/deployments/dep-x/cancel", { key })).status).toBe(401);
    }
    expect(await api.instanceIds()).toEqual(before);
    // The key in the query string works too (the Functions convention).
    const ok = await api.call("GET", `/deployments?code=${encodeURIComponent(api.world.runtime.functionKey)}`, { key: null });
    expect(ok.status).toBe(200);
  });
});

describe("Idempotency-Key", () => {
  it("answers a retry with the first answer, starts one instance and PATCHes once; another body with the key is a 409", async () => {
    await api.world.seedApp("api-idem");
    await api.world.seedApp("api-idem-other");
    await api.world.pushImage("v2");
    const key = "ci-run-1234/attempt";
    const first = await api.call<DeploymentAccepted>("POST", "/deployments", { json: { target: "idem", tag: "v2" }, headers: { "Idempotency-Key": key } });
    expect(first.status).toBe(202);
    expect(first.body.id).toBe(idempotentDeploymentId(key));
    expect(first.body.id).toMatch(/^dep-[0-9a-f]{24}$/);

    // A retry while it runs, and another once it finished: the same answer, no second instance.
    const retry = await api.call<DeploymentAccepted>("POST", "/deployments", { json: { tag: "v2", target: "idem" }, headers: { "Idempotency-Key": key } });
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get("location")).toBe(first.body.statusUrl);
    await api.world.runToEnd(first.body.id);
    const createdAt = (await api.deployment(first.body.id)).createdAt;
    const late = await api.call<DeploymentAccepted>("POST", "/deployments", { json: { target: "idem", tag: "v2" }, headers: { "Idempotency-Key": key } });
    expect(late.status).toBe(202);
    expect(late.body).toEqual(first.body);
    await api.world.settle();
    expect((await api.instanceIds()).filter((id) => id === first.body.id)).toHaveLength(1);
    expect((await api.deployment(first.body.id)).createdAt).toBe(createdAt);
    expect(PATCHES("api-idem")).toHaveLength(1);

    // Same key, different request: refused, nothing new started.
    const before = await api.instanceIds();
    const calls = api.world.sandbox.callLog.calls().length;
    const reused = await api.call<ProblemBody>("POST", "/deployments", { json: { target: "idem", tag: "v3" }, headers: { "Idempotency-Key": key } });
    expect(reused.status).toBe(409);
    expect(reused.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(reused.body).toMatchObject({ type: PROBLEM_TYPES.idempotencyKeyReused, status: 409, errors: [{ pointer: "/headers/idempotency-key" }] });
    expect(await api.instanceIds()).toEqual(before);
    expect(api.world.sandbox.callLog.calls().length).toBe(calls);

    // The key is unique across the collection: the same key for another target is refused too.
    const otherTarget = await api.call<ProblemBody>("POST", "/deployments", { json: { target: "idem-other", tag: "v2" }, headers: { "Idempotency-Key": key } });
    expect(otherTarget.status).toBe(409);
    expect(otherTarget.body).toMatchObject({ type: PROBLEM_TYPES.idempotencyKeyReused, errors: [{ pointer: "/headers/idempotency-key" }] });
    expect(await api.instanceIds()).toEqual(before);
    expect(PATCHES("api-idem-other")).toHaveLength(0);
    // With a key of its own it is a deployment of its own.
    const other = await start({ target: "idem-other", tag: "v2" }, { "Idempotency-Key": `${key}-other` });
    expect(other.id).not.toBe(first.body.id);
    await api.world.runToEnd(other.id);
    expect((await api.deployment(other.id)).status).toBe("Succeeded");
  });
});

describe("POST /api/deployments/{id}/cancel", () => {
  it("409s a finished deployment and 404s an unknown one", async () => {
    await api.world.seedApp("api-finished");
    await api.world.pushImage("v2");
    const { id } = await start({ target: "finished", tag: "v2" });
    await api.world.runToEnd(id);
    const finished = await api.call<ProblemBody>("POST", `/deployments/${id}/cancel`);
    expect(finished.status).toBe(409);
    expect(finished.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(finished.body).toMatchObject({ type: PROBLEM_TYPES.conflict, status: 409 });
    expect(finished.body.detail).toContain("Succeeded");
    expect((await api.deployment(id)).status).toBe("Succeeded");

    const unknown = await api.call<ProblemBody>("POST", "/deployments/dep-unknown/cancel");
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe(PROBLEM_TYPES.notFound);
  });

  it("cancels during the build: 202, the ACR run is canceled and the deployment ends Canceled", async () => {
    await api.world.seedApp("api-cancel-build");
    const { id, statusUrl } = await start({ target: "cancel-build", tag: "release-9" });
    await api.world.runToEnd(id, { until: (s) => (s.customStatus as { phase?: string; runId?: string } | null)?.runId !== undefined });
    const building = await api.deployment(id);
    expect(building.status).toBe("Building");
    await api.world.clock.advance(10_000, api.world.settle);

    // A body that is not empty and not {} is refused before anything happens.
    const bad = await api.call<ProblemBody>("POST", `/deployments/${id}/cancel`, { json: { reason: "x" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ pointer: "/reason", detail: "is not a known field" }]);
    const text = await api.call("POST", `/deployments/${id}/cancel`, { raw: "stop", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    expect((await api.deployment(id)).status).toBe("Building");

    const cancel = await api.call<DeploymentAccepted>("POST", `/deployments/${id}/cancel`, { json: {} });
    expect(cancel.status).toBe(202);
    expect(cancel.body).toEqual({ id, statusUrl });
    expect(cancel.headers.get("location")).toBe(statusUrl);

    await api.world.runToEnd(id);
    const canceled = await api.deployment(id);
    expect(canceled.status).toBe("Canceled");
    expect(canceled.reason).toContain(`ACR run ${building.runId} canceled`);
    expect(api.world.sandbox.acr.scheduledRun(building.runId!)?.status).toBe("Canceled");
    expect(PATCHES("api-cancel-build")).toEqual([]);
    // Now it has ended, a second cancel is a conflict.
    expect((await api.call("POST", `/deployments/${id}/cancel`)).status).toBe(409);
  });
});
