/**
 * Issue 9 §2: a deploy whose image Azure cannot pull. Azure accepts the PATCH, then its operation
 * fails (ContainerAppOperationError with the registry's MANIFEST_UNKNOWN or UNAUTHORIZED), no revision
 * is created and the app's provisioningState is Failed. The deploy ends Failed saying which image and
 * registry, with ARM's code, and touches nothing more: no restart, no rollback, no quarantine. The
 * next successful write clears the app's Failed state.
 */
import { describe, expect, it } from "vitest";
import { LOGIN_SERVER, REPOSITORY, outputOf, stepStatus, useDeployWorld, type DeployWorld } from "./world.js";

let world: DeployWorld;
useDeployWorld((started) => (world = started));

const APP_WRITE = "Microsoft.App/containerApps/write";
const RESTART = "Microsoft.App/containerApps/revisions/restart/action";
const MISSING = `sha256:${"d".repeat(64)}`;

describe("an image Azure cannot pull", () => {
  it("a digest the registry does not have: Failed, image not found in registry, nothing restarted or rolled back; the next deploy clears the app's Failed state", async () => {
    const app = await world.seedApp("web-missing-digest");
    const before = world.app(app.name);
    const request = world.request(app.name, { image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, digest: MISSING } });
    const out = outputOf(await world.runToEnd(await world.start(request)));

    const missingImage = `${LOGIN_SERVER}/${REPOSITORY}@${MISSING}`;
    expect(out.outcome).toBe("Failed");
    expect(out.reason).toContain(`image ${missingImage} not found in registry ${LOGIN_SERVER}`);
    expect(out.reason).toContain("ContainerAppOperationError");
    expect(out.error).toMatchObject({ code: "ContainerAppOperationError", message: expect.stringContaining("MANIFEST_UNKNOWN") });
    expect(stepStatus(out, "deploy")).toBe("succeeded");
    expect(stepStatus(out, "verify")).toBe("failed");
    for (const step of ["restart", "rollback", "quarantine"]) expect(stepStatus(out, step)).not.toBe("succeeded");
    expect(out.quarantinedDigest).toBeUndefined();
    expect(world.sandbox.callLog.calls({ operation: RESTART, pathContains: app.name })).toEqual([]);
    // One write only: the deploy's PATCH; no rollback PATCH.
    expect(world.sandbox.callLog.calls({ operation: APP_WRITE, pathContains: app.name })).toHaveLength(1);
    // No revision was created; the old one still serves, and the app says its last write failed.
    expect(world.revisions(app.name).map((revision) => revision.name)).toEqual([before.latestRevisionName]);
    expect(world.app(app.name).latestReadyRevisionName).toBe(before.latestReadyRevisionName);
    expect(world.sandbox.apps.getApp({ subscriptionId: request.target.subscriptionId, resourceGroup: request.target.resourceGroup, name: app.name })?.properties.provisioningState).toBe("Failed");

    await world.pushImage("v2");
    const next = outputOf(await world.runToEnd(await world.start(world.request(app.name))));
    expect(next.outcome).toBe("Succeeded");
    expect(world.sandbox.apps.getApp({ subscriptionId: request.target.subscriptionId, resourceGroup: request.target.resourceGroup, name: app.name })?.properties.provisioningState).toBe("Succeeded");
  });

  it("an image in a registry the app has no credentials for: Failed with UNAUTHORIZED, nothing restarted or rolled back", async () => {
    // A sidecar from a second registry the sandbox serves, with no entry in the app's registries.
    const sidecarDigest = await world.sandbox.dataPlane.seedImage("sidecaracr.azurecr.io", "otel/collector", "1");
    const sidecar = { name: "otel", image: `sidecaracr.azurecr.io/otel/collector@${sidecarDigest}` };
    const app = await world.seedApp("web-no-credentials", { sidecars: [sidecar] });
    await world.pushImage("v2");
    const request = world.request(app.name);
    const out = outputOf(await world.runToEnd(await world.start({ ...request, target: { ...request.target, container: "web" } })));

    expect(out.outcome).toBe("Failed");
    expect(out.reason).toContain(`image ${sidecar.image} cannot be pulled: the app has no credentials for registry sidecaracr.azurecr.io (UNAUTHORIZED)`);
    expect(out.error).toMatchObject({ code: "ContainerAppOperationError", message: expect.stringContaining("UNAUTHORIZED") });
    expect(world.sandbox.callLog.calls({ operation: RESTART, pathContains: app.name })).toEqual([]);
    expect(world.sandbox.callLog.calls({ operation: APP_WRITE, pathContains: app.name })).toHaveLength(1);
    expect(world.revisions(app.name)).toHaveLength(1);
  });
});
