import { describe, expect, it } from "vitest";
import type { ReadRevisionInput } from "../../src/activities/contracts.js";
import { deactivateRevision } from "../../src/activities/deactivateRevision.js";
import { moveTraffic } from "../../src/activities/moveTraffic.js";
import { readAppState } from "../../src/activities/readAppState.js";
import { readRevision } from "../../src/activities/readRevision.js";
import { restartRevision } from "../../src/activities/restartRevision.js";
import { updateContainerApp } from "../../src/activities/updateContainerApp.js";
import type { RevisionBehaviour, SeedAppOptions } from "../../src/sandbox/providers/containerApps/index.js";
import { sandboxRequest } from "../sandbox/core/sandboxHttp.js";
import { APP, APP_REF, pushedImage, RESOURCE_GROUP, useActivityHarness, seedStandardApp, SUBSCRIPTION, TARGET } from "./harness.js";

const h = useActivityHarness();

function seed(overrides: Partial<SeedAppOptions> = {}): void {
  seedStandardApp(h, { ingress: { external: true, targetPort: 8080 }, template: { scale: { minReplicas: 1 } }, ...overrides });
}

/** Creates revision `web--v2` running image "b" (PATCH submitted only). */
async function deployV2(behaviour?: RevisionBehaviour): Promise<void> {
  if (behaviour) h.sandbox.apps.setNextRevisionBehaviour(APP_REF, behaviour);
  const out = await updateContainerApp({ target: TARGET, containerName: APP, image: await pushedImage(h, "b"), revisionSuffix: "v2" }, h.services);
  expect(out).toMatchObject({ ok: true, alreadyApplied: false });
}

const readV2 = (smokePath?: string): ReadRevisionInput => ({ target: TARGET, revisionName: "web--v2", ...(smokePath ? { smokePath } : {}) });

describe("readRevision", () => {
  it("observes the new revision through its lifecycle, with the app's names, mode, provisioning state and traffic", async () => {
    seed();
    await deployV2();
    const early = await readRevision(readV2("/healthz"), h.services);
    expect(early).toEqual({
      ok: true,
      observation: {
        revision: { name: "web--v2", provisioningState: "Provisioning", runningState: "Processing", healthState: "None", replicas: 0, active: true, trafficWeight: 0, createdTime: "2026-03-01T00:00:00.000Z" },
        app: { activeRevisionsMode: "Single", latestRevisionName: "web--v2", latestReadyRevisionName: "web--v1", provisioningState: "InProgress" },
        traffic: [{ weight: 100, latestRevision: true }],
        smoke: { status: undefined, error: "not sent: the revision is Provisioning" },
      },
    });

    await h.clock.advance(12_000);
    const ready = await readRevision(readV2("/healthz"), h.services);
    expect(ready).toMatchObject({
      ok: true,
      observation: {
        revision: { provisioningState: "Provisioned", runningState: "Running", healthState: "Healthy", replicas: 1, active: true, trafficWeight: 100 },
        app: { latestReadyRevisionName: "web--v2", provisioningState: "Succeeded" },
        smoke: { status: 200 },
      },
    });
  });

  it("reports a revision not created yet as undefined, and a missing app as ContainerAppNotFound", async () => {
    seed();
    const missing = await readRevision(readV2(), h.services);
    expect(missing).toMatchObject({ ok: true, observation: { revision: undefined, app: { latestRevisionName: "web--v1" } } });
    expect(await readRevision({ ...readV2(), target: { ...TARGET, containerApp: "ghost" } }, h.services)).toMatchObject({
      ok: false,
      failure: { code: "ContainerAppNotFound", statusCode: 404 },
    });
  });

  it("smoke-tests a provisioned revision whatever its health says, and records a failing path's status", async () => {
    seed();
    await deployV2({ kind: "neverHealthy" });
    await h.clock.advance(12_000);
    const unhealthy = await readRevision(readV2("/healthz"), h.services);
    expect(unhealthy).toMatchObject({ ok: true, observation: { revision: { runningState: "Degraded", healthState: "Unhealthy" }, smoke: { status: 503 } } });
    expect(await readRevision(readV2(), h.services)).not.toHaveProperty("observation.smoke");

    h.sandbox.reset();
    seed();
    await deployV2();
    await h.clock.advance(12_000);
    h.sandbox.apps.setIngressResponse({ path: "/healthz", status: 500, revisionName: "web--v2" });
    expect(await readRevision(readV2("/healthz?deep=1"), h.services)).toMatchObject({ ok: true, observation: { smoke: { status: 500 } } });
    h.sandbox.apps.setIngressResponse({ path: "/healthz", status: 503 });
    expect(await readRevision(readV2("/healthz"), h.services)).toMatchObject({ ok: true, observation: { smoke: { status: 503 } } });
    expect(await readRevision(readV2("/"), h.services)).toMatchObject({ ok: true, observation: { smoke: { status: 200 } } });
  });

  it("records an unanswered smoke request as status undefined with the reason", async () => {
    seed();
    await deployV2();
    await h.clock.advance(12_000);
    const unreachable = { ...h.services, settings: { ...h.services.settings, ingressProxy: "https://127.0.0.1:1" } };
    const out = await readRevision(readV2("/healthz"), unreachable);
    expect(out).toMatchObject({ ok: true, observation: { smoke: { status: undefined, error: "ECONNREFUSED" } } });
  });
});

describe("readRevision without the app, and readAppState", () => {
  it("reads only the revision while it exists, the app too when it is not found; readAppState reads the app alone", async () => {
    seed();
    await deployV2();
    h.sandbox.callLog.clear();
    const early = await readRevision({ ...readV2(), withApp: false }, h.services);
    expect(early).toEqual({
      ok: true,
      observation: {
        revision: { name: "web--v2", provisioningState: "Provisioning", runningState: "Processing", healthState: "None", replicas: 0, active: true, trafficWeight: 0, createdTime: expect.any(String) },
        app: undefined,
        traffic: undefined,
      },
    });
    expect(h.sandbox.callLog.calls({ plane: "arm" }).map((c) => c.operation)).toEqual(["Microsoft.App/containerApps/revisions/read"]);

    const missing = await readRevision({ ...readV2(), revisionName: "web--v9", withApp: false }, h.services);
    expect(missing).toMatchObject({ ok: true, observation: { revision: undefined, app: { latestRevisionName: "web--v2" } } });

    await h.clock.advance(12_000);
    expect(await readAppState({ target: TARGET }, h.services)).toEqual({
      ok: true,
      app: { activeRevisionsMode: "Single", latestRevisionName: "web--v2", latestReadyRevisionName: "web--v2", provisioningState: "Succeeded" },
      traffic: [{ weight: 100, latestRevision: true }],
    });
    expect(await readAppState({ target: { ...TARGET, containerApp: "ghost" } }, h.services)).toMatchObject({ ok: false, failure: { code: "ContainerAppNotFound", statusCode: 404 } });
  });
});

describe("the sandbox ingress route", () => {
  it("answers 503 while the revision is not serving, 200 once it is, 404 for an unknown host", async () => {
    seed();
    await deployV2();
    const fqdn = h.sandbox.apps.getRevision(APP_REF, "web--v2")!.properties.fqdn;
    expect(fqdn).toMatch(/^web--v2\..+\.azurecontainerapps\.io$/);
    const get = (host: string) => sandboxRequest(h.sandbox, "GET", `/_sandbox/ingress/${host}/healthz`, { bearer: false });
    expect((await get(fqdn)).status).toBe(503);
    await h.clock.advance(12_000);
    expect((await get(fqdn)).status).toBe(200);
    expect((await get("nowhere.example.com")).status).toBe(404);

    const set = await sandboxRequest(h.sandbox, "PUT", "/_sandbox/containerApps/ingressResponses", { bearer: false, body: { path: "/healthz", status: 500 } });
    expect(set.status).toBe(200);
    expect((await get(fqdn)).status).toBe(500);
    expect((await sandboxRequest(h.sandbox, "DELETE", "/_sandbox/containerApps/ingressResponses", { bearer: false })).status).toBe(204);
    expect((await get(fqdn)).status).toBe(200);
    expect((await sandboxRequest(h.sandbox, "PUT", "/_sandbox/containerApps/ingressResponses", { bearer: false, body: { path: "healthz", status: 5 } })).status).toBe(400);
  });
});

describe("the sandbox's readiness behaviours, as readRevision sees them", () => {
  it("a revision that scales to zero sleeps at 0 replicas until the smoke request wakes it, then Azure names it ready", async () => {
    seed({ template: { scale: { minReplicas: 0 } } });
    await deployV2({ kind: "healthy", scaleToZero: true, healthProbes: false });
    await h.clock.advance(60_000);
    const asleep = await readRevision(readV2(), h.services);
    expect(asleep).toMatchObject({ ok: true, observation: { revision: { provisioningState: "Provisioned", runningState: "Running", healthState: "None", replicas: 0 }, app: { latestReadyRevisionName: "web--v1" } } });
    // The smoke request is what wakes it; the next read sees the replica and the hand-over.
    expect(await readRevision(readV2("/healthz"), h.services)).toMatchObject({ ok: true, observation: { smoke: { status: 200 } } });
    expect(await readRevision(readV2(), h.services)).toMatchObject({ ok: true, observation: { revision: { replicas: 1, healthState: "None", trafficWeight: 100 }, app: { latestReadyRevisionName: "web--v2" } } });
    // Idle past the cooldown (300 s by default), it is back at zero but stays the ready revision.
    await h.clock.advance(301_000);
    expect(await readRevision(readV2(), h.services)).toMatchObject({ ok: true, observation: { revision: { replicas: 0 }, app: { latestReadyRevisionName: "web--v2" } } });
  });

  it("reports Activating while replicas start when asked, and ActivationFailed for a revision that cannot activate", async () => {
    seed();
    await deployV2({ kind: "slow", startingState: "Activating" });
    await h.clock.advance(6_000);
    expect(await readRevision(readV2(), h.services)).toMatchObject({ ok: true, observation: { revision: { provisioningState: "Provisioned", runningState: "Activating", replicas: 0 } } });

    h.sandbox.reset();
    seed();
    await deployV2({ kind: "activationFails" });
    await h.clock.advance(60_000);
    expect(await readRevision(readV2(), h.services)).toMatchObject({ ok: true, observation: { revision: { provisioningState: "Provisioned", runningState: "ActivationFailed", replicas: 0 } } });
  });
});

describe("restartRevision", () => {
  it("restarts a revision that stays unhealthy until restarted; a refused restart keeps ARM's code", async () => {
    seed();
    await deployV2({ kind: "unhealthyUntilRestarted" });
    const early = await restartRevision({ target: TARGET, revisionName: "web--v2" }, h.services);
    expect(early).toMatchObject({ ok: false, failure: { code: "ContainerAppInvalidRevisionOperation", statusCode: 400, correlationId: expect.any(String) } });

    await h.clock.advance(12_000);
    expect(h.sandbox.apps.getRevision(APP_REF, "web--v2")?.properties.healthState).toBe("Unhealthy");
    expect(await restartRevision({ target: TARGET, revisionName: "web--v2" }, h.services)).toEqual({ ok: true });
    await h.clock.advance(7_000);
    expect(h.sandbox.apps.getRevision(APP_REF, "web--v2")?.properties.healthState).toBe("Healthy");

    expect(await restartRevision({ target: TARGET, revisionName: "web--nope" }, h.services)).toMatchObject({ ok: false, failure: { statusCode: 404 } });
  });
});

describe("moveTraffic (Multiple revision mode rollback)", () => {
  const ACTIVATE = "Microsoft.App/containerApps/revisions/activate/action";
  const DEACTIVATE = "Microsoft.App/containerApps/revisions/deactivate/action";
  const WRITE = "Microsoft.App/containerApps/write";

  /** v2 failed but took all traffic and v1 was deactivated: the state a rollback starts from. */
  async function failedDeploy(): Promise<void> {
    seed({ activeRevisionsMode: "Multiple" });
    await deployV2({ kind: "neverHealthy" });
    await h.clock.advance(12_000);
    const client = h.services.azure.containerApps(SUBSCRIPTION);
    await client.containerApps.update(RESOURCE_GROUP, APP, { location: "East US", configuration: { ingress: { traffic: [{ revisionName: "web--v2", weight: 100 }] } } }, { updateIntervalInMs: 5 });
    await client.containerAppsRevisions.deactivateRevision(RESOURCE_GROUP, APP, "web--v1");
    h.sandbox.callLog.clear();
  }

  it("activates the previous revision and sends it 100% without waiting on the clock; a second call sends no second traffic PATCH", async () => {
    await failedDeploy();
    // The traffic PATCH's operation now needs virtual time to finish: the activity must not wait for it.
    h.sandbox.setDurations({ lroPoll: 500 });
    expect(await moveTraffic({ target: TARGET, toRevision: "web--v1", fromRevision: "web--v2" }, h.services)).toEqual({ ok: true });
    expect(h.sandbox.callLog.calls({ plane: "arm" }).filter((c) => c.method !== "GET").map((c) => c.operation)).toEqual([ACTIVATE, WRITE]);
    expect(h.sandbox.callLog.calls({ pathContains: "containerappOperation" })).toEqual([]);
    await h.clock.advance(7_000);
    expect(h.sandbox.apps.listRevisions(APP_REF).map((r) => ({ name: r.name, active: r.properties.active, trafficWeight: r.properties.trafficWeight }))).toEqual([
      { name: "web--v1", active: true, trafficWeight: 100 },
      { name: "web--v2", active: true, trafficWeight: 0 },
    ]);
    expect(h.sandbox.apps.getApp(APP_REF)!.properties.configuration["ingress"]).toMatchObject({ traffic: [{ revisionName: "web--v1", weight: 100 }] });
    expect(h.sandbox.apps.getRevision(APP_REF, "web--v1")!.properties.healthState).toBe("Healthy");

    h.sandbox.callLog.clear();
    expect(await moveTraffic({ target: TARGET, toRevision: "web--v1", fromRevision: "web--v2" }, h.services)).toEqual({ ok: true });
    expect(h.sandbox.callLog.calls({ plane: "arm" }).filter((c) => c.method !== "GET").map((c) => c.operation)).toEqual([ACTIVATE]);

    // The orchestrator deactivates the failed revision once it has seen the traffic arrive; a retry writes nothing.
    expect(await deactivateRevision({ target: TARGET, revisionName: "web--v2" }, h.services)).toEqual({ ok: true });
    expect(h.sandbox.apps.getRevision(APP_REF, "web--v2")!.properties.active).toBe(false);
    h.sandbox.callLog.clear();
    expect(await deactivateRevision({ target: TARGET, revisionName: "web--v2" }, h.services)).toEqual({ ok: true });
    expect(await deactivateRevision({ target: TARGET, revisionName: "web--gone" }, h.services)).toEqual({ ok: true });
    expect(h.sandbox.callLog.calls({ operation: DEACTIVATE })).toEqual([]);
  });

  it("keeps the failed revision active when moving traffic is refused", async () => {
    await failedDeploy();
    h.sandbox.faults.inject({ operation: WRITE, status: 403 });
    const out = await moveTraffic({ target: TARGET, toRevision: "web--v1", fromRevision: "web--v2" }, h.services);
    expect(out).toMatchObject({ ok: false, failure: { code: "AuthorizationFailed", statusCode: 403, correlationId: expect.any(String) } });
    expect(h.sandbox.callLog.calls({ operation: DEACTIVATE })).toEqual([]);
    expect(h.sandbox.apps.getRevision(APP_REF, "web--v2")!.properties).toMatchObject({ active: true, trafficWeight: 100 });
  });

  it("refuses an unknown target revision and a move onto itself", async () => {
    seed({ activeRevisionsMode: "Multiple" });
    expect(await moveTraffic({ target: TARGET, toRevision: "web--v0", fromRevision: "web--v1" }, h.services)).toMatchObject({ ok: false, failure: { code: "RevisionNotFound" } });
    expect(await moveTraffic({ target: TARGET, toRevision: "web--v1", fromRevision: "WEB--V1" }, h.services)).toMatchObject({ ok: false, failure: { code: "InvalidTrafficMove" } });
  });
});
