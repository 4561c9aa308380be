/**
 * The Container Apps provider driven by the real `@azure/arm-appcontainers` 4.0.0 client over HTTPS
 * (api-version 2026-07-01), on a virtual clock: PATCH long-running operation, revision lifecycle,
 * suffix no-op, restart, provisioning failure, Multiple-mode rollback, errors and control routes.
 */
import type { Revision } from "@azure/arm-appcontainers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { sandboxRequest } from "../core/sandboxHttp.js";
import { appsClient, whileAdvancing } from "./appsClient.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000ca";
const RG = "rg-apps";
const APP = "web";
const ref = { subscriptionId: SUBSCRIPTION, resourceGroup: RG, name: APP };
const IMAGE_V1 = "rolloutreg.azurecr.io/web@sha256:aaaa000000000000000000000000000000000000000000000000000000000001";
const IMAGE_V2 = "rolloutreg.azurecr.io/web@sha256:aaaa000000000000000000000000000000000000000000000000000000000002";
const IMAGE_BAD = "rolloutreg.azurecr.io/web@sha256:bad0000000000000000000000000000000000000000000000000000000000bad";

let clock: VirtualClock;
let sandbox: Sandbox;
let client: ReturnType<typeof appsClient>;

beforeAll(async () => {
  clock = new VirtualClock("2026-03-01T00:00:00.000Z");
  // lroPoll under a second: Retry-After is 0, so the SDK polls at its own (tiny) interval.
  sandbox = await startSandbox({ clock, durations: { revisionProvisioning: 5_000, revisionActivating: 3_000, revisionHealthy: 4_000, lroPoll: 500 } });
  client = appsClient(sandbox, SUBSCRIPTION);
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.reset();
});

function seed(mode: "Single" | "Multiple" = "Single"): void {
  sandbox.apps.seedApp({
    ...ref,
    activeRevisionsMode: mode,
    revisionSuffix: "v1",
    containers: [{ name: APP, image: IMAGE_V1 }],
    registries: [{ server: "rolloutreg.azurecr.io", identity: "system" }],
    ingress: { external: true, targetPort: 8080 },
  });
}

function deploy(image: string, revisionSuffix: string, traffic?: { revisionName?: string; latestRevision?: boolean; weight: number }[]) {
  return client.containerApps.update(
    RG,
    APP,
    {
      location: "East US",
      template: { revisionSuffix, containers: [{ name: APP, image }] },
      configuration: traffic ? { ingress: { traffic } } : undefined,
    },
    { updateIntervalInMs: 5 },
  );
}

async function revisions(): Promise<Revision[]> {
  const all: Revision[] = [];
  for await (const revision of client.containerAppsRevisions.listRevisions(RG, APP)) all.push(revision);
  return all;
}

function phase(revision: Revision): string {
  return `${revision.provisioningState}/${revision.runningState}/${revision.healthState}`;
}

describe("Container Apps over HTTPS with @azure/arm-appcontainers", () => {
  it("an update creates a revision that becomes Provisioned, Running and Healthy and takes over (Single mode)", async () => {
    seed();
    const poller = deploy(IMAGE_V2, "v2");
    await poller.submitted();
    expect(phase(await client.containerAppsRevisions.getRevision(RG, APP, "web--v2"))).toBe("Provisioning/Processing/None");
    const updated = await whileAdvancing(clock, poller);
    expect(updated.provisioningState).toBe("Succeeded");
    expect(updated.latestRevisionName).toBe("web--v2");
    expect(updated.template?.containers?.[0]?.image).toBe(IMAGE_V2);
    expect(updated.configuration?.registries).toEqual([{ server: "rolloutreg.azurecr.io", identity: "system" }]);

    await clock.advance(12_000);
    const app = await client.containerApps.get(RG, APP);
    expect(app.latestReadyRevisionName).toBe("web--v2");
    expect(app.latestRevisionFqdn).toMatch(/^web--v2\./);
    expect(app.configuration?.activeRevisionsMode).toBe("Single");
    const fresh = await client.containerAppsRevisions.getRevision(RG, APP, "web--v2");
    expect(phase(fresh)).toBe("Provisioned/Running/Healthy");
    expect(fresh).toMatchObject({ active: true, trafficWeight: 100, replicas: 1 });
    expect(fresh.createdTime).toBeInstanceOf(Date);
    const old = await client.containerAppsRevisions.getRevision(RG, APP, "web--v1");
    expect(old).toMatchObject({ active: false, trafficWeight: 0, replicas: 0, runningState: "Stopped" });

    // What the SDK actually did: PATCH, poll the Azure-AsyncOperation status URL, final GET on Location.
    const operations = sandbox.callLog.operations({ plane: "arm" });
    expect(operations).toEqual(
      expect.arrayContaining([
        "Microsoft.App/containerApps/write",
        "Microsoft.App/locations/containerappOperationStatuses/read",
        "Microsoft.App/locations/containerappOperationResults/read",
      ]),
    );
  });

  it("the same suffix with the same template again is a no-op", async () => {
    seed();
    await whileAdvancing(clock, deploy(IMAGE_V2, "v2"));
    await clock.advance(12_000);
    const again = await whileAdvancing(clock, deploy(IMAGE_V2, "v2"));
    expect(again.latestRevisionName).toBe("web--v2");
    expect((await revisions()).map((revision) => revision.name)).toEqual(["web--v1", "web--v2"]);
  });

  it("the same suffix with another template is refused with Azure's error", async () => {
    seed();
    await expect(whileAdvancing(clock, deploy(IMAGE_V2, "v1"))).rejects.toMatchObject({ statusCode: 400, code: "ContainerAppOperationError" });
    expect(await revisions()).toHaveLength(1);
  });

  it("restart heals an unhealthyUntilRestarted revision; neverHealthy stays unhealthy", async () => {
    seed();
    sandbox.apps.setNextRevisionBehaviour(ref, { kind: "unhealthyUntilRestarted" });
    await whileAdvancing(clock, deploy(IMAGE_V2, "v2"));
    await clock.advance(12_000);
    expect(phase(await client.containerAppsRevisions.getRevision(RG, APP, "web--v2"))).toBe("Provisioned/Degraded/Unhealthy");
    await client.containerAppsRevisions.restartRevision(RG, APP, "web--v2");
    await clock.advance(7_000);
    expect(phase(await client.containerAppsRevisions.getRevision(RG, APP, "web--v2"))).toBe("Provisioned/Running/Healthy");
    expect((await client.containerApps.get(RG, APP)).latestReadyRevisionName).toBe("web--v2");

    sandbox.apps.setNextRevisionBehaviour(ref, { kind: "neverHealthy" });
    await whileAdvancing(clock, deploy(IMAGE_BAD, "v3"));
    await clock.advance(12_000);
    await client.containerAppsRevisions.restartRevision(RG, APP, "web--v3");
    await clock.advance(30_000);
    expect(phase(await client.containerAppsRevisions.getRevision(RG, APP, "web--v3"))).toBe("Provisioned/Degraded/Unhealthy");
    expect((await client.containerApps.get(RG, APP)).latestReadyRevisionName).toBe("web--v2");
  });

  it("provisioningFails: the update fails with ContainerAppOperationError and the revision is Failed", async () => {
    seed();
    sandbox.apps.setImageBehaviour(IMAGE_BAD, { kind: "provisioningFails", message: "manifest unknown" });
    // core-lro reports a failed operation as a plain Error: "The long-running operation has failed. <code>. <message>".
    await expect(whileAdvancing(clock, deploy(IMAGE_BAD, "v2"))).rejects.toThrow(/failed\. ContainerAppOperationError\. .*manifest unknown/);
    const failed = await client.containerAppsRevisions.getRevision(RG, APP, "web--v2");
    expect(failed.provisioningState).toBe("Failed");
    expect(failed.provisioningError).toBe("manifest unknown");
    const app = await client.containerApps.get(RG, APP);
    expect(app.provisioningState).toBe("Failed");
    expect(app.latestReadyRevisionName).toBe("web--v1");
    expect((await client.containerAppsRevisions.getRevision(RG, APP, "web--v1")).trafficWeight).toBe(100);
  });

  it("Multiple mode: activate the previous revision, move all traffic to it, deactivate the failed one", async () => {
    seed("Multiple");
    sandbox.apps.setNextRevisionBehaviour(ref, { kind: "neverHealthy" });
    await whileAdvancing(clock, deploy(IMAGE_BAD, "v2", [{ revisionName: "web--v2", weight: 100 }]));
    await client.containerAppsRevisions.deactivateRevision(RG, APP, "web--v1");
    await clock.advance(12_000);
    expect(await revisions()).toMatchObject([
      { name: "web--v1", active: false, trafficWeight: 0 },
      { name: "web--v2", active: true, trafficWeight: 100, runningState: "Degraded" },
    ]);

    await client.containerAppsRevisions.activateRevision(RG, APP, "web--v1");
    await clock.advance(7_000);
    expect(phase(await client.containerAppsRevisions.getRevision(RG, APP, "web--v1"))).toBe("Provisioned/Running/Healthy");
    const moved = await whileAdvancing(
      clock,
      client.containerApps.update(RG, APP, { location: "East US", configuration: { ingress: { traffic: [{ revisionName: "web--v1", weight: 100 }] } } }, { updateIntervalInMs: 5 }),
    );
    expect(moved.configuration?.ingress?.traffic).toEqual([{ revisionName: "web--v1", weight: 100 }]);
    await client.containerAppsRevisions.deactivateRevision(RG, APP, "web--v2");
    expect(await revisions()).toMatchObject([
      { name: "web--v1", active: true, trafficWeight: 100, healthState: "Healthy" },
      { name: "web--v2", active: false, trafficWeight: 0, replicas: 0 },
    ]);
  });

  it("an unknown app is a 404 ResourceNotFound", async () => {
    seed();
    await expect(client.containerApps.get(RG, "ghost")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    await expect(client.containerAppsRevisions.getRevision(RG, "ghost", "ghost--v1")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("a malformed PATCH body is a 400", async () => {
    seed();
    const reply = await sandboxRequest(sandbox, "PATCH", `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.App/containerApps/${APP}?api-version=2026-07-01`, {
      body: { location: "East US", properties: { template: { containers: [{ name: APP }] } } },
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ error: { code: "InvalidRequestContent" } });
  });

  it("seeds and sets behaviours through /_sandbox control routes", async () => {
    const seeded = await sandboxRequest(sandbox, "POST", "/_sandbox/containerApps", {
      bearer: false,
      body: { ...ref, revisionSuffix: "v1", containers: [{ name: APP, image: IMAGE_V1 }, { name: "sidecar", image: "envoy:1" }] },
    });
    expect(seeded.status).toBe(201);
    const next = await sandboxRequest(sandbox, "PUT", `/_sandbox/containerApps/${SUBSCRIPTION}/${RG}/${APP}/nextRevision`, {
      bearer: false,
      body: { kind: "provisioningFails" },
    });
    expect(next.status).toBe(200);
    const app = await client.containerApps.get(RG, APP);
    expect(app.template?.containers?.map((container) => container.name)).toEqual([APP, "sidecar"]);
    await expect(whileAdvancing(clock, deploy(IMAGE_V2, "v2"))).rejects.toThrow(/ContainerAppOperationError/);
    const state = await sandboxRequest(sandbox, "GET", "/_sandbox/state", { bearer: false });
    expect(state.json).toMatchObject({ providers: { containerApps: { apps: [{ latestReadyRevisionName: "web--v1" }] } } });
  });
});
