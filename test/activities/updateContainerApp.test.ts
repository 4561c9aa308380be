import { beforeEach, describe, expect, it } from "vitest";
import type { UpdateContainerAppInput } from "../../src/activities/contracts.js";
import { updateContainerApp } from "../../src/activities/updateContainerApp.js";
import { AzureCallError } from "../../src/domain/errors.js";
import { APP, APP_REF, imageByDigest, LOGIN_SERVER, pushedImage, useActivityHarness, TARGET } from "./harness.js";

const WRITE = "Microsoft.App/containerApps/write";
const SIDECAR = { name: "proxy", image: "docker.io/library/envoy:v1", env: [{ name: "MODE", value: "edge" }] };

const h = useActivityHarness();
let update: UpdateContainerAppInput;

beforeEach(async () => {
  update = { target: TARGET, containerName: APP, image: await pushedImage(h, "b"), revisionSuffix: "dep-b" };
  await h.sandbox.dataPlane.seedImage(LOGIN_SERVER, "migrate", "1");
  h.sandbox.apps.seedApp({
    ...APP_REF,
    revisionSuffix: "v1",
    containers: [SIDECAR, { name: APP, image: imageByDigest("a") }],
    initContainers: [{ name: "migrate", image: `${LOGIN_SERVER}/migrate:1` }],
    template: { scale: { minReplicas: 1, maxReplicas: 4 } },
    configuration: { secrets: [{ name: "db", value: "p4ss" }] },
    registries: [{ server: LOGIN_SERVER, identity: "system" }],
  });
});

describe("updateContainerApp", () => {
  it("PATCHes only the chosen container's image and the suffix, returning before the revision is provisioned", async () => {
    expect(await updateContainerApp(update, h.services)).toEqual({ ok: true, revisionName: "web--dep-b", alreadyApplied: false, operation: expect.stringContaining("containerappOperationStatuses") });
    const writes = h.sandbox.callLog.calls({ operation: WRITE });
    expect(writes.map((c) => `${c.method} ${c.status}`)).toEqual(["PATCH 202"]);
    // Nothing polled the operation: the orchestrator verifies with readRevision.
    expect(h.sandbox.callLog.calls({ pathContains: "containerappOperation" })).toEqual([]);
    expect(h.sandbox.apps.getRevision(APP_REF, "web--dep-b")?.properties.provisioningState).toBe("Provisioning");

    const template = h.sandbox.apps.getApp(APP_REF)!.properties.template;
    expect(template["containers"]).toEqual([expect.objectContaining(SIDECAR), expect.objectContaining({ name: APP, image: update.image })]);
    expect(template["initContainers"]).toEqual([expect.objectContaining({ name: "migrate", image: `${LOGIN_SERVER}/migrate:1` })]);
    expect(template["scale"]).toMatchObject({ minReplicas: 1, maxReplicas: 4 });
    expect(template["revisionSuffix"]).toBe("dep-b");
  });

  it("a retry after the PATCH sends no second PATCH (exactly one in the call log)", async () => {
    await updateContainerApp(update, h.services);
    expect(await updateContainerApp(update, h.services)).toEqual({ ok: true, revisionName: "web--dep-b", alreadyApplied: true });
    await h.clock.advance(20_000);
    expect(await updateContainerApp(update, h.services)).toEqual({ ok: true, revisionName: "web--dep-b", alreadyApplied: true });
    expect(h.sandbox.callLog.calls({ operation: WRITE, method: "PATCH" })).toHaveLength(1);
  });

  it("treats a template that already carries the suffix and image as applied while Azure has not listed the revision yet", async () => {
    await updateContainerApp(update, h.services);
    h.sandbox.faults.inject({ operation: "Microsoft.App/containerApps/revisions/read", status: 404, code: "ResourceNotFound" });
    expect(await updateContainerApp(update, h.services)).toEqual({ ok: true, revisionName: "web--dep-b", alreadyApplied: true });
    expect(h.sandbox.callLog.calls({ operation: "Microsoft.App/containerApps/revisions/read" }).at(-1)?.status).toBe(404);
    expect(h.sandbox.callLog.calls({ operation: WRITE })).toHaveLength(1);
  });

  it("refuses when the suffix's revision exists with another image", async () => {
    await updateContainerApp(update, h.services);
    const out = await updateContainerApp({ ...update, image: await pushedImage(h, "c") }, h.services);
    expect(out).toMatchObject({ ok: false, failure: { code: "RevisionSuffixConflict", message: expect.stringContaining(update.image) } });
    expect(h.sandbox.callLog.calls({ operation: WRITE })).toHaveLength(1);
  });

  it("a 403 on the PATCH is an outcome with AuthorizationFailed and the correlation id", async () => {
    h.sandbox.faults.inject({ operation: WRITE, status: 403, message: "The client does not have authorization to perform action 'Microsoft.App/containerApps/write'." });
    const out = await updateContainerApp(update, h.services);
    const write = h.sandbox.callLog.calls({ operation: WRITE });
    expect(write).toHaveLength(1);
    expect(out).toEqual({
      ok: false,
      failure: {
        code: "AuthorizationFailed",
        message: expect.stringContaining("does not have authorization"),
        statusCode: 403,
        correlationId: write[0]!.correlationId,
      },
    });
    expect(h.sandbox.apps.getRevision(APP_REF, "web--dep-b")).toBeUndefined();
  });

  it("a 409 (operation in progress) is an outcome; a lasting 503 throws after the SDK's retries", async () => {
    h.sandbox.faults.inject({ operation: WRITE, status: 409, code: "ContainerAppOperationInProgress" });
    expect(await updateContainerApp(update, h.services)).toMatchObject({ ok: false, failure: { code: "ContainerAppOperationInProgress", statusCode: 409 } });

    h.sandbox.faults.inject({ operation: WRITE, status: 503, times: "always" });
    await expect(updateContainerApp(update, h.services)).rejects.toBeInstanceOf(AzureCallError);
    expect(h.sandbox.callLog.calls({ operation: WRITE }).map((c) => c.status)).toEqual([409, 503, 503, 503, 503]);
  });

  it("reports an unknown container and a missing app", async () => {
    expect(await updateContainerApp({ ...update, containerName: "api" }, h.services)).toMatchObject({ ok: false, failure: { code: "ContainerNotFound" } });
    expect(await updateContainerApp({ ...update, target: { ...TARGET, containerApp: "ghost" } }, h.services)).toMatchObject({
      ok: false,
      failure: { code: "ContainerAppNotFound", statusCode: 404 },
    });
    expect(h.sandbox.callLog.calls({ operation: WRITE })).toHaveLength(0);
  });
});
