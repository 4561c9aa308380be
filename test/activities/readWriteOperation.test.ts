/**
 * `readWriteOperation` against the sandbox: a PATCH to a digest the registry does not have is
 * accepted, creates no revision, and its operation ends Failed with Azure's ContainerAppOperationError
 * naming MANIFEST_UNKNOWN; a PATCH the registry can serve ends Succeeded.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { readWriteOperation } from "../../src/activities/readWriteOperation.js";
import { updateContainerApp } from "../../src/activities/updateContainerApp.js";
import { APP, APP_REF, imageByDigest, pushedImage, seedStandardApp, TARGET, useActivityHarness } from "./harness.js";

const h = useActivityHarness({ lroPoll: 2_000 });

beforeEach(() => {
  seedStandardApp(h);
});

describe("readWriteOperation", () => {
  it("reports a write whose image is not in the registry as Failed with ARM's code and the registry's answer", async () => {
    const missing = imageByDigest("f");
    const update = await updateContainerApp({ target: TARGET, containerName: APP, image: missing, revisionSuffix: "gone" }, h.services);
    if (!update.ok || update.operation === undefined) throw new Error(`PATCH not sent: ${JSON.stringify(update)}`);
    expect(await readWriteOperation({ target: TARGET, operation: update.operation }, h.services)).toEqual({ ok: true, status: "InProgress" });

    await h.clock.advance(2_000);
    const out = await readWriteOperation({ target: TARGET, operation: update.operation }, h.services);
    expect(out).toMatchObject({ ok: true, status: "Failed", error: { code: "ContainerAppOperationError" } });
    if (!out.ok) throw new Error("unreachable");
    expect(out.error?.message).toContain(`Field 'template.containers.${APP}.image' is invalid with details: 'Invalid value: "${missing}": GET https:: MANIFEST_UNKNOWN`);
    expect(h.sandbox.apps.getRevision(APP_REF, "web--gone")).toBeUndefined();
    expect(h.sandbox.apps.getApp(APP_REF)?.properties.provisioningState).toBe("Failed");
  });

  it("reports a write the registry can serve as Succeeded once its revision is provisioned", async () => {
    const update = await updateContainerApp({ target: TARGET, containerName: APP, image: await pushedImage(h, "g"), revisionSuffix: "ok" }, h.services);
    if (!update.ok || update.operation === undefined) throw new Error(`PATCH not sent: ${JSON.stringify(update)}`);
    await h.clock.advance(60_000);
    expect(await readWriteOperation({ target: TARGET, operation: update.operation }, h.services)).toEqual({ ok: true, status: "Succeeded" });
    expect(h.sandbox.apps.getApp(APP_REF)?.properties.provisioningState).toBe("Succeeded");
  });
});
