/**
 * Issue 9 §2, sandbox side, through the real `@azure/arm-appcontainers` client over HTTPS: a write
 * whose new revision names an image the sandbox's registry does not have (or cannot give the app)
 * is accepted, then its operation fails as Azure's does; images from registries the sandbox does
 * not serve pass; the next successful write clears the app's Failed state.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { appsClient, whileAdvancing } from "./appsClient.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000e9";
const RG = "rg-pull";
const REGISTRY = "pullacr";
const SERVER = `${REGISTRY}.azurecr.io`;
const ref = { subscriptionId: SUBSCRIPTION, resourceGroup: RG, name: "web" };

let clock: VirtualClock;
let sandbox: Sandbox;
let client: ReturnType<typeof appsClient>;

beforeAll(async () => {
  clock = new VirtualClock("2026-03-01T00:00:00.000Z");
  sandbox = await startSandbox({
    clock,
    durations: { revisionProvisioning: 5_000, revisionActivating: 3_000, revisionHealthy: 4_000, lroPoll: 500 },
    registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RG, name: REGISTRY }],
  });
  client = appsClient(sandbox, SUBSCRIPTION);
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  sandbox.reset();
});

async function seed(registries: { server: string; identity: string }[] = [{ server: SERVER, identity: "system" }]): Promise<string> {
  const digest = await sandbox.dataPlane.seedImage(SERVER, "web", "v1");
  sandbox.apps.seedApp({ ...ref, revisionSuffix: "v1", containers: [{ name: "web", image: `${SERVER}/web@${digest}` }], registries });
  return digest;
}

/** PATCHes the image and waits for the operation's end; resolves with the error, if any. */
async function deploy(image: string, revisionSuffix: string): Promise<unknown> {
  const poller = client.containerApps.update(RG, "web", { location: "East US", template: { revisionSuffix, containers: [{ name: "web", image }] } }, { updateIntervalInMs: 5 });
  return whileAdvancing(clock, poller).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("image pull check", () => {
  it("fails the operation of a write to a tag the registry does not have, as Azure words it, and creates no revision", async () => {
    await seed();
    const error = await deploy(`${SERVER}/web:v9`, "v9");
    expect(String(error)).toContain(
      `ContainerAppOperationError. Failed to provision revision for container app 'web'. Error details: The following field(s) are either invalid or missing. ` +
        `Field 'template.containers.web.image' is invalid with details: 'Invalid value: "${SERVER}/web:v9": GET https:: MANIFEST_UNKNOWN: manifest tagged by "v9" is not found; map[Tag:v9]';.`,
    );
    expect(sandbox.apps.listRevisions(ref).map((revision) => revision.name)).toEqual(["web--v1"]);
    const app = await client.containerApps.get(RG, "web");
    expect(app).toMatchObject({ provisioningState: "Failed", latestRevisionName: "web--v1", latestReadyRevisionName: "web--v1" });
  });

  it("fails a digest the registry does not have, and the next successful write clears the Failed state", async () => {
    await seed();
    const missing = `sha256:${"e".repeat(64)}`;
    expect(String(await deploy(`${SERVER}/web@${missing}`, "gone"))).toContain(`MANIFEST_UNKNOWN: manifest ${missing} is not found; map[Digest:${missing}]`);
    expect((await client.containerApps.get(RG, "web")).provisioningState).toBe("Failed");

    const v2 = await sandbox.dataPlane.seedImage(SERVER, "web", "v2");
    expect(await deploy(`${SERVER}/web@${v2}`, "v2")).toBeUndefined();
    expect((await client.containerApps.get(RG, "web")).provisioningState).toBe("Succeeded");
    expect(sandbox.apps.getRevision(ref, "web--v2")?.properties.provisioningState).toBe("Provisioned");
  });

  it("answers UNAUTHORIZED for an image in a registry the app has no credentials for", async () => {
    await seed([]);
    const v2 = await sandbox.dataPlane.seedImage(SERVER, "web", "v2");
    expect(String(await deploy(`${SERVER}/web@${v2}`, "v2"))).toContain(
      `Invalid value: "${SERVER}/web@${v2}": GET https:: UNAUTHORIZED: authentication required, visit https://aka.ms/acr/authorization for more information.; map[]`,
    );
  });

  it("lets images from registries the sandbox does not serve pass", async () => {
    await seed();
    expect(await deploy("mcr.microsoft.com/k8se/quickstart:latest", "public")).toBeUndefined();
    expect(await deploy("nginx:1.27", "hub")).toBeUndefined();
    expect(sandbox.apps.listRevisions(ref).map((revision) => revision.name)).toEqual(["web--v1", "web--public", "web--hub"]);
  });
});
