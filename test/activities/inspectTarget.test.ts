import { describe, expect, it } from "vitest";
import { inspectTarget } from "../../src/activities/inspectTarget.js";
import { moveTraffic } from "../../src/activities/moveTraffic.js";
import { updateContainerApp } from "../../src/activities/updateContainerApp.js";
import { AzureCallError } from "../../src/domain/errors.js";
import type { SeedAppOptions } from "../../src/sandbox/providers/containerApps/index.js";
import { APP, APP_REF, imageByDigest, LOGIN_SERVER, pushedImage, RESOURCE_GROUP, useActivityHarness, seedStandardApp, SUBSCRIPTION, TARGET } from "./harness.js";

const READ = "Microsoft.App/containerApps/read";
const h = useActivityHarness();

function seed(overrides: Partial<SeedAppOptions> = {}): void {
  seedStandardApp(h, overrides);
}

describe("inspectTarget", () => {
  it("snapshots the only container, its digest, the ready revision, traffic and minReplicas; init containers are not candidates", async () => {
    seed({
      initContainers: [{ name: "migrate", image: `${LOGIN_SERVER}/migrate:1` }],
      template: { scale: { minReplicas: 2, maxReplicas: 5 } },
      location: "West Europe",
    });
    const out = await inspectTarget({ target: TARGET, loginServer: LOGIN_SERVER }, h.services);
    expect(out).toEqual({
      ok: true,
      snapshot: {
        location: "West Europe",
        revisionsMode: "Single",
        containerName: APP,
        containers: [expect.objectContaining({ name: APP, image: imageByDigest("a") })],
        currentRevision: "web--v1",
        currentImage: imageByDigest("a"),
        templateImage: imageByDigest("a"),
        currentDigest: `sha256:${"a".repeat(64)}`,
        traffic: [{ weight: 100, latestRevision: true }],
        minReplicas: 2,
      },
    });
  });

  it("takes the last known good from the revision serving now, not from a template a failed deploy left behind", async () => {
    seed({ template: { scale: { minReplicas: 1 } } });
    h.sandbox.apps.setNextRevisionBehaviour(APP_REF, { kind: "neverHealthy" });
    const b = await pushedImage(h, "b");
    expect(await updateContainerApp({ target: TARGET, containerName: APP, image: b, revisionSuffix: "bad" }, h.services)).toMatchObject({ ok: true });
    await h.clock.advance(600_000);
    const out = await inspectTarget({ target: TARGET, loginServer: LOGIN_SERVER }, h.services);
    if (!out.ok) throw new Error(out.failure.message);
    expect(out.snapshot).toMatchObject({
      currentRevision: "web--v1",
      currentImage: imageByDigest("a"),
      currentDigest: `sha256:${"a".repeat(64)}`,
      templateImage: b,
    });
  });

  it("in Multiple mode takes the revision carrying the traffic, even when it is not the latest ready", async () => {
    seed({ activeRevisionsMode: "Multiple", ingress: { external: true, targetPort: 80, traffic: [{ latestRevision: true, weight: 100 }] } });
    const b = await pushedImage(h, "b");
    expect(await updateContainerApp({ target: TARGET, containerName: APP, image: b, revisionSuffix: "v2" }, h.services)).toMatchObject({ ok: true });
    await h.clock.advance(600_000);
    expect(await moveTraffic({ target: TARGET, toRevision: "web--v1", fromRevision: "web--v2" }, h.services)).toEqual({ ok: true });
    await h.clock.advance(60_000);
    const out = await inspectTarget({ target: TARGET, loginServer: LOGIN_SERVER }, h.services);
    if (!out.ok) throw new Error(out.failure.message);
    expect(h.sandbox.apps.getApp(APP_REF)?.properties.latestReadyRevisionName).toBe("web--v2");
    expect(out.snapshot).toMatchObject({ currentRevision: "web--v1", currentImage: imageByDigest("a"), templateImage: b });
  });

  it("picks the named container among sidecars and keeps the whole container array; a tag image has no digest", async () => {
    seed({
      activeRevisionsMode: "Multiple",
      containers: [
        { name: "proxy", image: "docker.io/library/envoy:v1", env: [{ name: "MODE", value: "edge" }] },
        { name: APP, image: `${LOGIN_SERVER}/web:stable` },
      ],
      ingress: null,
    });
    const out = await inspectTarget({ target: { ...TARGET, container: APP }, loginServer: LOGIN_SERVER }, h.services);
    if (!out.ok) throw new Error(out.failure.message);
    expect(out.snapshot).toMatchObject({ revisionsMode: "Multiple", containerName: APP, currentImage: `${LOGIN_SERVER}/web:stable`, minReplicas: 0 });
    expect(out.snapshot.currentDigest).toBeUndefined();
    expect(out.snapshot.traffic).toBeUndefined();
    expect(out.snapshot.containers.map((c) => c.name)).toEqual(["proxy", APP]);
    expect(out.snapshot.containers[0]).toMatchObject({ env: [{ name: "MODE", value: "edge" }] });
  });

  it("refuses an ambiguous choice and an unknown container, listing the names", async () => {
    seed({ containers: [{ name: APP, image: imageByDigest("a") }, { name: "worker", image: imageByDigest("b") }] });
    const ambiguous = await inspectTarget({ target: TARGET, loginServer: LOGIN_SERVER }, h.services);
    expect(ambiguous).toEqual({ ok: false, failure: { code: "ContainerAmbiguous", message: expect.stringContaining("'web', 'worker'") } });
    const unknown = await inspectTarget({ target: { ...TARGET, container: "api" }, loginServer: LOGIN_SERVER }, h.services);
    expect(unknown).toEqual({ ok: false, failure: { code: "ContainerNotFound", message: expect.stringMatching(/no container 'api'.*'web', 'worker'/) } });
  });

  it("requires a registry entry for the image's login server, compared case-insensitively", async () => {
    seed({ registries: [{ server: "other.azurecr.io", identity: "system" }] });
    const missing = await inspectTarget({ target: TARGET, loginServer: LOGIN_SERVER }, h.services);
    expect(missing).toEqual({ ok: false, failure: { code: "RegistryNotConfigured", message: expect.stringContaining(`no registry entry for '${LOGIN_SERVER}'`) } });
    expect(!missing.ok && missing.failure.message).toContain("'other.azurecr.io'");

    h.sandbox.reset();
    seed({ registries: [{ server: "RolloutReg.AzureCR.io", identity: "system" }] });
    expect((await inspectTarget({ target: TARGET, loginServer: LOGIN_SERVER }, h.services)).ok).toBe(true);
  });

  it("reports a missing app as ContainerAppNotFound with status and correlation id", async () => {
    const out = await inspectTarget({ target: TARGET, loginServer: LOGIN_SERVER }, h.services);
    const call = h.sandbox.callLog.calls({ operation: READ }).at(-1);
    expect(out).toEqual({
      ok: false,
      failure: {
        code: "ContainerAppNotFound",
        message: `Container app '${APP}' was not found in resource group '${RESOURCE_GROUP}' of subscription '${SUBSCRIPTION}'.`,
        statusCode: 404,
        correlationId: call?.correlationId,
      },
    });
    expect(call?.status).toBe(404);
  });

  it("reports a 403 with ARM's code and correlation id, without retrying", async () => {
    seed();
    h.sandbox.faults.inject({ operation: READ, status: 403 });
    const out = await inspectTarget({ target: TARGET, loginServer: LOGIN_SERVER }, h.services);
    const calls = h.sandbox.callLog.calls({ operation: READ });
    expect(calls).toHaveLength(1);
    expect(out).toEqual({
      ok: false,
      failure: { code: "AuthorizationFailed", message: expect.stringContaining("read container app web failed"), statusCode: 403, correlationId: calls[0]!.correlationId },
    });
  });

  it("rides out a 503 burst through the SDK's retries, and throws (retryable) when it lasts", async () => {
    seed();
    h.sandbox.faults.inject({ operation: READ, status: 503, times: 2 });
    expect((await inspectTarget({ target: TARGET, loginServer: LOGIN_SERVER }, h.services)).ok).toBe(true);
    expect(h.sandbox.callLog.calls({ operation: READ }).map((c) => c.status)).toEqual([503, 503, 200]);

    h.sandbox.faults.inject({ operation: READ, status: 503, times: "always" });
    const thrown = await inspectTarget({ target: TARGET, loginServer: LOGIN_SERVER }, h.services).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(AzureCallError);
    expect(thrown).toMatchObject({ statusCode: 503, armCode: "ServiceUnavailable", correlationId: expect.any(String) });
    expect((thrown as Error).message).toMatch(/^read container app web failed, retryable \(status 503, code ServiceUnavailable, correlation id /);
  });
});
