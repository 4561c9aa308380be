/**
 * Push signals end the build wait (issue 11): when the registry reports the push of a build's own
 * tag `deploy-<id>`, the deploy's build wait confirms the run through ARM and moves on within one
 * virtual second, instead of at its next poll. Polling stays the fallback. Real local runtime, real
 * durable-functions engine, sandbox over HTTPS; the signal goes through the product's
 * `raiseBuildPushSignal` from an HTTP function, as the push triggers call it.
 */
import { describe, expect, it } from "vitest";
import type { BuildPushSignalOutcome } from "../../src/functions/signals/buildPushSignal.js";
import { LOGIN_SERVER, REPOSITORY, RESOURCE_GROUP, WORKFLOW_MODULE, outputOf, type DeployWorld, useDeployWorld } from "./world.js";
import { resolve } from "node:path";

// The product's ACR webhook authenticates ACR with this header (read once, when the settings load).
const WEBHOOK_SECRET = "signals-e2e-webhook-secret-0001";
process.env.ACA_ROLLOUT_WEBHOOK_SECRET = WEBHOOK_SECRET;

let world: DeployWorld;
useDeployWorld((started) => (world = started), {
  functionModules: [WORKFLOW_MODULE, resolve(import.meta.dirname, "../../src/functions/autoRollout.ts"), resolve(import.meta.dirname, "fixtures/pushSignalApp.ts")],
  // Log checks every 3 s after the build is scheduled (ARM reads only to confirm); the run ends (and pushes) at 85 s.
  durations: { runQueued: 5_000, runRunning: 80_000 },
});

function buildRequest(app: string) {
  return world.request(app, {
    image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, tag: "signal-1" },
    build: { registry: { resourceGroup: RESOURCE_GROUP }, source: { kind: "git", url: "https://github.com/contoso/web.git" } },
  });
}

/** Sends a push to the product's signal function over HTTP. */
async function signal(deployId: string, push: { digest: string; tag: string; repository?: string; host?: string }): Promise<BuildPushSignalOutcome> {
  const response = await fetch(`${world.runtime.url}/api/test/build-push-signal/${deployId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ repository: REPOSITORY, host: LOGIN_SERVER, ...push }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as BuildPushSignalOutcome;
}

/** Moves virtual time timer by timer until the run has pushed `deploy-<id>`; returns the push's virtual time and digest. */
async function untilPushed(id: string): Promise<{ at: number; digest: string }> {
  for (;;) {
    await world.settle();
    const digest = await world.sandbox.dataPlane.resolveTag(LOGIN_SERVER, REPOSITORY, `deploy-${id}`);
    if (digest) return { at: world.clock.now(), digest };
    const next = world.clock.nextTimerAt();
    if (next === undefined) throw new Error("nothing scheduled before the push");
    await world.clock.advanceTo(next, world.settle);
  }
}

function buildStep(id: string, status: Awaited<ReturnType<DeployWorld["runToEnd"]>>) {
  const step = outputOf(status).steps.find((s) => s.name === "build");
  if (!step?.finishedAt) throw new Error(`deploy ${id}: the build step has not finished`);
  return step;
}

describe("push signals for the build wait", () => {
  it("leaves the build wait within one virtual second of the push signal, confirmed through ARM", async () => {
    const app = await world.seedApp("web-signal");
    const id = await world.start(buildRequest(app.name));
    const pushed = await untilPushed(id);

    const outcome = await signal(id, { digest: pushed.digest, tag: `deploy-${id}` });
    expect(outcome).toEqual({ raised: true, instanceId: `${id}-build` });
    const status = await world.runToEnd(id);

    const out = outputOf(status);
    expect(out.outcome).toBe("Succeeded");
    expect(out.digest).toBe(pushed.digest);
    const build = buildStep(id, status);
    expect(Date.parse(build.finishedAt!) - pushed.at).toBeLessThanOrEqual(1_000);
    expect(build.detail).toContain("confirmed on the registry's push signal");
    // Confirmed through ARM: the wait read the run after the signal, at the signal's moment.
    const runReads = world.sandbox.callLog.calls().filter((c) => c.method === "GET" && c.path.includes(`/runs/${out.runId!}`) && !c.path.includes("listLogSasUrl"));
    expect(runReads.some((c) => Date.parse(c.time) === pushed.at)).toBe(true);
    // The race with the signal keeps the wait's history within the budget (its log checks continue as new every 16).
    const history = world.runtime.engine.getHistory(`${id}-build`) ?? [];
    expect(history.length).toBeGreaterThan(0);
    expect(history.length).toBeLessThanOrEqual(150);
  });

  it("still ends the wait without a signal (the fallback), at the next check of the run's log after the push", async () => {
    const app = await world.seedApp("web-nosignal");
    const id = await world.start(buildRequest(app.name));
    const pushed = await untilPushed(id);
    const status = await world.runToEnd(id);

    expect(outputOf(status).outcome).toBe("Succeeded");
    const build = buildStep(id, status);
    // The log check after the push (every 3 s; the push at 85 s) is what found the run final (test/e2e/buildLogWatch.test.ts).
    expect(Date.parse(build.finishedAt!) - pushed.at).toBeGreaterThan(1_000);
    expect(Date.parse(build.finishedAt!) - pushed.at).toBeLessThanOrEqual(3_000);
    expect(build.detail).not.toContain("push signal");
    expect(build.detail).toContain("its log marked it complete");
  });

  it("a signal that arrives before the run is final makes the wait re-read after 1, 2, 4 ... s until ARM says it is", async () => {
    const app = await world.seedApp("web-earlysignal");
    const id = await world.start(buildRequest(app.name));
    // Until the run has been seen Running (the second poll, 10 s in), then signal 3 s before the push.
    const started = world.clock.now();
    await world.clock.advanceTo(started + 82_000, world.settle);
    const outcome = await signal(id, { digest: "sha256:" + "0".repeat(64), tag: `deploy-${id}` });
    expect(outcome.raised).toBe(true);
    const status = await world.runToEnd(id);
    const build = buildStep(id, status);
    expect(outputOf(status).outcome).toBe("Succeeded");
    // Re-reads at +82 s (Running), +83, +85 (Succeeded: the run ended at +85 s): not at the 150 s poll.
    expect(Date.parse(build.finishedAt!) - started).toBeLessThanOrEqual(86_000);
    expect(Date.parse(build.finishedAt!) - started).toBeGreaterThanOrEqual(85_000);
  });

  it("keeps checking the run's log while it confirms a signal that came a minute early, so the end is still noticed within one log check (3 s)", async () => {
    const app = await world.seedApp("web-verysignal");
    const id = await world.start(buildRequest(app.name));
    // A signal 20 s in, 65 s before the run ends (85 s): a multi-step run may push before its last step.
    const started = world.clock.now();
    await world.clock.advanceTo(started + 20_000, world.settle);
    const outcome = await signal(id, { digest: "sha256:" + "1".repeat(64), tag: `deploy-${id}` });
    expect(outcome.raised).toBe(true);
    const status = await world.runToEnd(id);
    const out = outputOf(status);
    expect(out.outcome).toBe("Succeeded");
    const run = world.sandbox.acr.scheduledRun(out.runId!);
    expect(run?.finishTime).toBeDefined();
    // Without the log checks, the confirm re-reads (20, 21, 23, 27, 35, 51, 83, 147 s) saw it 62 s late.
    const lag = Date.parse(buildStep(id, status).finishedAt!) - Date.parse(run!.finishTime!);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThanOrEqual(3_000);
    // The log's mark is what found it: the wait says so in its output beside the signal.
    const wait = await world.runtime.engine.getStatus(`${id}-build`);
    expect(wait?.output).toMatchObject({ ok: true, logComplete: "Succeeded", pushSignal: { tag: `deploy-${id}` } });
    // The log was checked after the signal, not only before it.
    const checksAfter = world.sandbox.callLog.calls({ plane: "data", method: "HEAD" }).filter((c) => c.path.includes(`/logs/${out.runId!}/`) && Date.parse(c.time) > started + 20_000);
    expect(checksAfter.length).toBeGreaterThanOrEqual(10);
  });

  it("ends the wait on the webhook the sandbox itself sends when the build pushes deploy-<id>, within one virtual second", async () => {
    const registry = world.sandbox.acr.registries()[0]!;
    world.sandbox.acr.putWebhook(registry, "signals1", {
      location: registry.location,
      properties: { serviceUri: `${world.runtime.url}/api/test/acr-webhook`, actions: ["push"], scope: `${REPOSITORY}:deploy-*` },
    });
    try {
      const app = await world.seedApp("web-webhook");
      const id = await world.start(buildRequest(app.name));
      const status = await world.runToEnd(id);
      const out = outputOf(status);
      expect(out.outcome).toBe("Succeeded");
      const delivery = world.sandbox.acr.webhooks(registry).find((hook) => hook.name === "signals1")!.events.find((event) => (event.content["target"] as { tag?: string }).tag === `deploy-${id}`);
      expect(delivery?.response, JSON.stringify(delivery?.response)).toMatchObject({ statusCode: 200 });
      const build = buildStep(id, status);
      expect(build.detail).toContain("confirmed on the registry's push signal");
      expect(Date.parse(build.finishedAt!) - delivery!.sentAt).toBeLessThanOrEqual(1_000);
    } finally {
      world.sandbox.acr.putWebhook(registry, "signals1", { location: registry.location, properties: { serviceUri: `${world.runtime.url}/api/test/acr-webhook`, actions: ["push"], status: "disabled" } });
    }
  });

  it("ends the wait through the product's ACR webhook (POST /api/webhooks/acr) the sandbox calls with the secret header; a wrong secret changes nothing", async () => {
    const registry = world.sandbox.acr.registries()[0]!;
    const hook = (secret: string) =>
      world.sandbox.acr.putWebhook(registry, "product1", {
        location: registry.location,
        properties: { serviceUri: `${world.runtime.url}/api/webhooks/acr`, customHeaders: { "x-aca-rollout-secret": secret }, actions: ["push"] },
      });
    const deliveryOf = (id: string) => world.sandbox.acr.webhooks(registry).find((h) => h.name === "product1")!.events.find((event) => (event.content["target"] as { tag?: string }).tag === `deploy-${id}`);
    try {
      hook(WEBHOOK_SECRET);
      const app = await world.seedApp("web-product-webhook");
      const id = await world.start(buildRequest(app.name));
      const status = await world.runToEnd(id);
      expect(outputOf(status).outcome).toBe("Succeeded");
      const delivery = deliveryOf(id);
      expect(delivery?.response, JSON.stringify(delivery?.response)).toMatchObject({ statusCode: 202 });
      const build = buildStep(id, status);
      expect(build.detail).toContain("confirmed on the registry's push signal");
      expect(Date.parse(build.finishedAt!) - delivery!.sentAt).toBeLessThanOrEqual(1_000);

      // The same with a wrong secret: 401, no signal, the wait ends at its next log check.
      hook("not-the-secret-at-all-000000000");
      const other = await world.seedApp("web-product-webhook-bad");
      const badId = await world.start(buildRequest(other.name));
      const badStatus = await world.runToEnd(badId);
      expect(deliveryOf(badId)?.response).toMatchObject({ statusCode: 401 });
      const badBuild = buildStep(badId, badStatus);
      expect(badBuild.detail).not.toContain("push signal");
      expect(Date.parse(badBuild.finishedAt!) - deliveryOf(badId)!.sentAt).toBeGreaterThan(1_000);
    } finally {
      world.sandbox.acr.putWebhook(registry, "product1", { location: registry.location, properties: { serviceUri: `${world.runtime.url}/api/webhooks/acr`, actions: ["push"], status: "disabled" } });
    }
  });

  it("is a no-op for a deploy that is gone, has no build wait, or a tag that is not its own", async () => {
    const digest = "sha256:" + "a".repeat(64);
    expect(await signal("dep-nosuchdeploy", { digest, tag: "deploy-dep-nosuchdeploy" })).toMatchObject({ raised: false, reason: "not-waiting" });
    expect(await signal("dep-x", { digest, tag: "deploy-dep-y" })).toMatchObject({ raised: false, reason: "not-a-deploy-tag" });
    expect(await signal("Dep_X.1", { digest, tag: "deploy-Dep_X.1" })).toMatchObject({ raised: false, reason: "not-a-deploy-tag" });

    // A deploy without a build has no build wait; one whose build wait has ended is not waiting either.
    const app = await world.seedApp("web-nobuild");
    await world.pushImage("v2");
    const plain = await world.start(world.request(app.name));
    expect(await signal(plain, { digest, tag: `deploy-${plain}` })).toMatchObject({ raised: false, reason: "not-waiting" });
    expect(outputOf(await world.runToEnd(plain)).outcome).toBe("Succeeded");

    const built = await world.seedApp("web-ended");
    const id = await world.start(buildRequest(built.name));
    expect(outputOf(await world.runToEnd(id)).outcome).toBe("Succeeded");
    expect(await signal(id, { digest, tag: `deploy-${id}` })).toMatchObject({ raised: false, reason: "not-waiting", detail: expect.stringContaining("Completed") });
  });
});
