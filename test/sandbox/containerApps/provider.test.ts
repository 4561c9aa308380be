/**
 * Unit tests of the Container Apps provider through its route handlers (local dispatcher, virtual
 * clock): revision lifecycle, Single/Multiple traffic, suffix rules, PATCH merge, behaviour faults,
 * the long-running operation and the control routes.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { SandboxReply } from "../../../src/sandbox/kernel/types.js";
import {
  createContainerAppsProvider,
  type ContainerAppResource,
  type ContainerAppsProvider,
  type RevisionResource,
  type SeedAppOptions,
} from "../../../src/sandbox/providers/containerApps/index.js";
import { dispatch, testContext } from "./localDispatch.js";

const subscriptionId = "00000000-0000-0000-0000-00000000c0de";
const resourceGroup = "rg-apps";
const appPath = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.App/containerApps/web`;
const ref = { subscriptionId, resourceGroup, name: "web" };
const goodImage = "myacr.azurecr.io/web@sha256:1111111111111111111111111111111111111111111111111111111111111111";
const badImage = "myacr.azurecr.io/web@sha256:2222222222222222222222222222222222222222222222222222222222222222";
const nextImage = "myacr.azurecr.io/web@sha256:3333333333333333333333333333333333333333333333333333333333333333";

let context: ReturnType<typeof testContext>;
let provider: ContainerAppsProvider;

async function call(method: "GET" | "PATCH" | "PUT" | "POST" | "DELETE", path: string, body?: unknown): Promise<SandboxReply> {
  const separator = path.includes("?") ? "&" : "?";
  return dispatch(provider.routes, context, method, `${path}${separator}api-version=2026-07-01`, body);
}

async function control(method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown): Promise<SandboxReply> {
  return dispatch(provider.controlRoutes, context, method, path, body);
}

async function getApp(): Promise<ContainerAppResource> {
  const reply = await call("GET", appPath);
  expect(reply.status).toBe(200);
  return reply.body as ContainerAppResource;
}

async function getRevision(name: string): Promise<RevisionResource> {
  const reply = await call("GET", `${appPath}/revisions/${name}`);
  expect(reply.status).toBe(200);
  return reply.body as RevisionResource;
}

async function listRevisions(): Promise<RevisionResource[]> {
  const reply = await call("GET", `${appPath}/revisions`);
  expect(reply.status).toBe(200);
  return (reply.body as { value: RevisionResource[] }).value;
}

function errorCode(reply: SandboxReply): string | undefined {
  return (reply.body as { error?: { code?: string } } | undefined)?.error?.code;
}

function seed(options: Partial<SeedAppOptions> = {}): ContainerAppResource {
  return provider.seedApp({ ...ref, revisionSuffix: "v1", containers: [{ name: "web", image: goodImage }], ...options });
}

/** PATCHes the app's image (and suffix); expects the 202 of a started operation. */
async function deploy(image: string, revisionSuffix?: string): Promise<SandboxReply> {
  const template: Record<string, unknown> = { containers: [{ name: "web", image }] };
  if (revisionSuffix !== undefined) template.revisionSuffix = revisionSuffix;
  return call("PATCH", appPath, { location: "East US", properties: { template } });
}

function phase(revision: RevisionResource): string {
  const p = revision.properties;
  return `${p.provisioningState}/${p.runningState}/${p.healthState}`;
}

beforeEach(() => {
  context = testContext();
  provider = createContainerAppsProvider(context);
});

describe("seeded app", () => {
  it("has one active, ready revision taking all traffic", async () => {
    seed({ registries: [{ server: "myacr.azurecr.io", identity: "system" }] });
    const app = await getApp();
    expect(app.properties.provisioningState).toBe("Succeeded");
    expect(app.properties.latestRevisionName).toBe("web--v1");
    expect(app.properties.latestReadyRevisionName).toBe("web--v1");
    expect(app.properties.latestRevisionFqdn).toMatch(/^web--v1\.sandbox-env-[0-9a-f]{8}\.eastus\.azurecontainerapps\.io$/);
    expect(app.properties.configuration.activeRevisionsMode).toBe("Single");
    expect(app.properties.configuration.registries).toEqual([{ server: "myacr.azurecr.io", identity: "system" }]);
    const [revision] = await listRevisions();
    expect(phase(revision!)).toBe("Provisioned/Running/Healthy");
    expect(revision!.properties).toMatchObject({ active: true, trafficWeight: 100, replicas: 1 });
  });

  it("keeps sidecars and init containers in the template", async () => {
    seed({
      containers: [
        { name: "web", image: goodImage },
        { name: "proxy", image: "envoyproxy/envoy:v1.30" },
      ],
      initContainers: [{ name: "migrate", image: "myacr.azurecr.io/migrate:1" }],
    });
    const revision = await getRevision("web--v1");
    expect(revision.properties.template.containers).toEqual([
      { name: "web", image: goodImage, resources: { cpu: 0.5, memory: "1Gi" } },
      { name: "proxy", image: "envoyproxy/envoy:v1.30", resources: { cpu: 0.5, memory: "1Gi" } },
    ]);
    expect(revision.properties.template.initContainers).toEqual([{ name: "migrate", image: "myacr.azurecr.io/migrate:1", resources: { cpu: 0.5, memory: "1Gi" } }]);
  });

  it("answers 404 ResourceNotFound for an unknown app or revision", async () => {
    const missingApp = await call("GET", appPath);
    expect(missingApp.status).toBe(404);
    expect(errorCode(missingApp)).toBe("ResourceNotFound");
    expect(errorCode(await call("PATCH", appPath, { location: "East US" }))).toBe("ResourceNotFound");
    seed();
    const missingRevision = await call("GET", `${appPath}/revisions/web--nope`);
    expect(missingRevision.status).toBe(404);
    expect(errorCode(missingRevision)).toBe("ResourceNotFound");
    expect((await call("POST", `${appPath}/revisions/web--nope/restart`)).status).toBe(404);
  });

  it("rejects invalid seed options and duplicate apps", () => {
    seed();
    expect(() => seed()).toThrow(/already exists/);
    expect(() => provider.seedApp({ ...ref, name: "Bad_Name", containers: [{ name: "web", image: goodImage }] })).toThrow(/container app name/);
    expect(() => provider.seedApp({ ...ref, name: "other", containers: [] })).toThrow(/containers/);
  });
});

describe("template change in Single mode", () => {
  it("creates a revision that provisions, runs, becomes healthy and takes over", async () => {
    seed();
    const reply = await deploy(nextImage, "v2");
    expect(reply.status).toBe(202);
    const headers = reply.headers ?? {};
    expect(headers["azure-asyncoperation"]).toMatch(
      /^https:\/\/127\.0\.0\.1:1\/subscriptions\/0{8}-0{4}-0{4}-0{4}-00000000c0de\/providers\/Microsoft\.App\/locations\/eastus\/containerappOperationStatuses\/[0-9a-f-]+\?api-version=2026-07-01/,
    );
    expect(headers.location).toMatch(/\/locations\/eastus\/containerappOperationResults\/[0-9a-f-]+\?api-version=2026-07-01$/);
    expect(headers["retry-after"]).toBe("1");

    let app = await getApp();
    expect(app.properties.latestRevisionName).toBe("web--v2");
    expect(app.properties.latestReadyRevisionName).toBe("web--v1");
    expect(app.properties.provisioningState).toBe("InProgress");
    expect(phase(await getRevision("web--v2"))).toBe("Provisioning/Processing/None");

    await context.clock.advance(5_000);
    expect(phase(await getRevision("web--v2"))).toBe("Provisioned/Processing/None");
    expect((await getApp()).properties.provisioningState).toBe("Succeeded");
    await context.clock.advance(3_000);
    const warming = await getRevision("web--v2");
    expect(phase(warming)).toBe("Provisioned/Running/None");
    expect(warming.properties.replicas).toBe(1);
    // The old revision keeps serving until the new one is ready.
    expect((await getRevision("web--v1")).properties).toMatchObject({ active: true, trafficWeight: 100 });
    expect(warming.properties.trafficWeight).toBe(0);

    await context.clock.advance(3_999);
    expect((await getApp()).properties.latestReadyRevisionName).toBe("web--v1");
    await context.clock.advance(1);
    app = await getApp();
    expect(app.properties.latestReadyRevisionName).toBe("web--v2");
    expect(phase(await getRevision("web--v2"))).toBe("Provisioned/Running/Healthy");
    expect((await getRevision("web--v2")).properties.trafficWeight).toBe(100);
    const old = await getRevision("web--v1");
    expect(old.properties).toMatchObject({ active: false, replicas: 0, trafficWeight: 0, runningState: "Stopped" });
    expect(old.properties.lastActiveTime).toBe(new Date(context.clock.now()).toISOString());
  });

  it("reports the operation InProgress then Succeeded, and its result URL answers 202 then the app", async () => {
    seed();
    const reply = await deploy(nextImage, "v2");
    const statusUrl = new URL(reply.headers!["azure-asyncoperation"]!);
    const resultUrl = new URL(reply.headers!.location!);
    const status = async (): Promise<{ status: string; error?: { code: string } }> =>
      (await dispatch(provider.routes, context, "GET", statusUrl.pathname + statusUrl.search)).body as { status: string; error?: { code: string } };
    expect((await status()).status).toBe("InProgress");
    const pending = await dispatch(provider.routes, context, "GET", resultUrl.pathname + resultUrl.search);
    expect(pending.status).toBe(202);
    expect(pending.body).toBeUndefined();
    await context.clock.advance(4_999);
    expect((await status()).status).toBe("InProgress");
    await context.clock.advance(1);
    expect((await status()).status).toBe("Succeeded");
    const done = await dispatch(provider.routes, context, "GET", resultUrl.pathname + resultUrl.search);
    expect(done.status).toBe(200);
    expect((done.body as ContainerAppResource).properties.latestRevisionName).toBe("web--v2");
  });

  it("refuses a second write while the first is in progress (409)", async () => {
    seed();
    expect((await deploy(nextImage, "v2")).status).toBe(202);
    const second = await deploy(badImage, "v3");
    expect(second.status).toBe(409);
    expect(errorCode(second)).toBe("ContainerAppOperationInProgress");
    await context.clock.advance(5_000);
    expect((await deploy(badImage, "v3")).status).toBe(202);
  });

  it("generates a 7-character suffix when none is given, and only for a changed template", async () => {
    seed({ revisionSuffix: undefined });
    expect((await deploy(nextImage)).status).toBe(202);
    const app = await getApp();
    expect(app.properties.latestRevisionName).toMatch(/^web--[a-z][a-z0-9]{6}$/);
    expect(app.properties.template.revisionSuffix).toBeUndefined();
    await context.clock.advance(5_000);
    // Same template, no suffix: no new revision.
    expect((await deploy(nextImage)).status).toBe(202);
    expect(await listRevisions()).toHaveLength(2);
  });

  it("keeps traffic on the last ready revision when the new one never becomes healthy", async () => {
    seed();
    provider.setNextRevisionBehaviour(ref, { kind: "neverHealthy" });
    await deploy(badImage, "v2");
    await context.clock.advance(60_000);
    const app = await getApp();
    expect(app.properties.latestRevisionName).toBe("web--v2");
    expect(app.properties.latestReadyRevisionName).toBe("web--v1");
    expect(app.properties.provisioningState).toBe("Succeeded");
    expect((await getRevision("web--v1")).properties).toMatchObject({ active: true, trafficWeight: 100, healthState: "Healthy" });
    expect((await getRevision("web--v2")).properties).toMatchObject({ active: true, trafficWeight: 0, runningState: "Degraded", healthState: "Unhealthy" });
  });
});

describe("revision suffix rules", () => {
  it("treats the same suffix with the same template as a no-op", async () => {
    seed();
    await deploy(nextImage, "v2");
    await context.clock.advance(20_000);
    const again = await deploy(nextImage, "v2");
    expect(again.status).toBe(202);
    expect((await listRevisions()).map((revision) => revision.name)).toEqual(["web--v1", "web--v2"]);
    // A PATCH that only touches configuration inherits the stored suffix and is a no-op for revisions too.
    await context.clock.advance(1_000);
    expect((await call("PATCH", appPath, { location: "East US", properties: { configuration: { maxInactiveRevisions: 5 } } })).status).toBe(202);
    expect(await listRevisions()).toHaveLength(2);
    expect((await getApp()).properties.configuration.maxInactiveRevisions).toBe(5);
  });

  it("refuses an existing suffix with a different template (400 ContainerAppOperationError)", async () => {
    seed();
    const reply = await deploy(nextImage, "v1");
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe("ContainerAppOperationError");
    expect(JSON.stringify(reply.body)).toContain("revision with suffix v1 already exists");
    expect(await listRevisions()).toHaveLength(1);
    expect((await getApp()).properties.template.containers).toEqual([{ name: "web", image: goodImage, resources: { cpu: 0.5, memory: "1Gi" } }]);
  });

  it("inherits an explicit suffix on PATCH (JSON merge), so a new image needs a new suffix or null", async () => {
    seed();
    const inherited = await deploy(nextImage);
    expect(inherited.status).toBe(400);
    const cleared = await call("PATCH", appPath, { location: "East US", properties: { template: { revisionSuffix: null, containers: [{ name: "web", image: nextImage }] } } });
    expect(cleared.status).toBe(202);
    expect((await getApp()).properties.latestRevisionName).toMatch(/^web--[a-z][a-z0-9]{6}$/);
  });

  it.each([
    ["Upper", "lower case"],
    ["1abc", "start with an alphabetic"],
    ["abc-", "end with an alphanumeric"],
    ["a--b", "'--'"],
    ["a".repeat(50), "must not be more than 54"],
  ])("refuses suffix %s", async (suffix, detail) => {
    seed();
    const reply = await deploy(nextImage, suffix);
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe("ContainerAppOperationError");
    expect(JSON.stringify(reply.body)).toContain(detail);
  });

  it("accepts a suffix that makes the name exactly 54 characters", async () => {
    seed();
    const suffix = `a${"b".repeat(48)}`;
    expect(`web--${suffix}`).toHaveLength(54);
    expect((await deploy(nextImage, suffix)).status).toBe(202);
  });
});

describe("PATCH semantics", () => {
  it("merges objects and replaces arrays whole", async () => {
    seed({
      containers: [
        { name: "web", image: goodImage, env: [{ name: "A", value: "1" }] },
        { name: "proxy", image: "envoyproxy/envoy:v1.30" },
      ],
      template: { scale: { minReplicas: 2, maxReplicas: 4 } },
    });
    await call("PATCH", appPath, { location: "East US", properties: { template: { revisionSuffix: "v2", scale: { maxReplicas: 6 } } } });
    let app = await getApp();
    expect(app.properties.template.scale).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(app.properties.template.containers).toHaveLength(2);
    expect((await getRevision("web--v2")).properties.template.scale).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    await context.clock.advance(5_000);
    await call("PATCH", appPath, { location: "East US", properties: { template: { revisionSuffix: "v3", containers: [{ name: "web", image: nextImage }] } } });
    app = await getApp();
    expect(app.properties.template.containers).toEqual([{ name: "web", image: nextImage, resources: { cpu: 0.5, memory: "1Gi" } }]);
    expect(app.properties.template.scale).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
  });

  it.each([
    ["a non-object body", "nope"],
    ["containers that are not an array", { properties: { template: { containers: "web" } } }],
    ["a container without image", { properties: { template: { containers: [{ name: "web" }] } } }],
    ["an unknown revisions mode", { properties: { configuration: { activeRevisionsMode: "Sometimes" } } }],
    ["a traffic weight over 100", { properties: { configuration: { ingress: { traffic: [{ latestRevision: true, weight: 150 }] } } } }],
  ])("answers 400 InvalidRequestContent for %s", async (_label, body) => {
    seed();
    const reply = await call("PATCH", appPath, body);
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe("InvalidRequestContent");
    expect(await listRevisions()).toHaveLength(1);
  });
});

describe("restart and behaviour faults", () => {
  it("unhealthyUntilRestarted becomes healthy after a restart and then takes over", async () => {
    seed();
    provider.setNextRevisionBehaviour(ref, { kind: "unhealthyUntilRestarted" });
    await deploy(nextImage, "v2");
    await context.clock.advance(12_000);
    expect(phase(await getRevision("web--v2"))).toBe("Provisioned/Degraded/Unhealthy");
    expect((await getApp()).properties.latestReadyRevisionName).toBe("web--v1");
    const restart = await call("POST", `${appPath}/revisions/web--v2/restart`);
    expect(restart).toEqual({ status: 200 });
    expect(phase(await getRevision("web--v2"))).toBe("Provisioned/Processing/None");
    await context.clock.advance(3_000);
    expect(phase(await getRevision("web--v2"))).toBe("Provisioned/Running/None");
    await context.clock.advance(4_000);
    expect(phase(await getRevision("web--v2"))).toBe("Provisioned/Running/Healthy");
    expect((await getApp()).properties.latestReadyRevisionName).toBe("web--v2");
    expect((await getRevision("web--v1")).properties.active).toBe(false);
  });

  it("neverHealthy stays unhealthy after a restart", async () => {
    seed();
    provider.setNextRevisionBehaviour(ref, { kind: "neverHealthy" });
    await deploy(nextImage, "v2");
    await context.clock.advance(12_000);
    await call("POST", `${appPath}/revisions/web--v2/restart`);
    await context.clock.advance(60_000);
    expect(phase(await getRevision("web--v2"))).toBe("Provisioned/Degraded/Unhealthy");
    expect((await getApp()).properties.latestReadyRevisionName).toBe("web--v1");
  });

  it("a healthy revision restarts through Processing and is healthy again", async () => {
    seed();
    await call("POST", `${appPath}/revisions/web--v1/restart`);
    expect(phase(await getRevision("web--v1"))).toBe("Provisioned/Processing/None");
    await context.clock.advance(7_000);
    expect(phase(await getRevision("web--v1"))).toBe("Provisioned/Running/Healthy");
  });

  it("provisioningFails ends Failed, fails the operation and leaves traffic where it was", async () => {
    seed();
    provider.setNextRevisionBehaviour(ref, { kind: "provisioningFails", message: "image pull failed: manifest unknown" });
    const reply = await deploy(badImage, "v2");
    await context.clock.advance(5_000);
    const revision = await getRevision("web--v2");
    expect(phase(revision)).toBe("Failed/Failed/None");
    expect(revision.properties.provisioningError).toBe("image pull failed: manifest unknown");
    expect(revision.properties.replicas).toBe(0);
    const statusUrl = new URL(reply.headers!["azure-asyncoperation"]!);
    const status = (await dispatch(provider.routes, context, "GET", statusUrl.pathname + statusUrl.search)).body as { status: string; error?: { code: string; message: string } };
    expect(status.status).toBe("Failed");
    expect(status.error?.code).toBe("ContainerAppOperationError");
    expect(status.error?.message).toContain("image pull failed");
    const app = await getApp();
    expect(app.properties.provisioningState).toBe("Failed");
    expect(app.properties.latestReadyRevisionName).toBe("web--v1");
    expect((await getRevision("web--v1")).properties).toMatchObject({ active: true, trafficWeight: 100 });
    const restart = await call("POST", `${appPath}/revisions/web--v2/restart`);
    expect(restart.status).toBe(400);
  });

  it("the next-revision behaviour is one-shot", async () => {
    seed();
    provider.setNextRevisionBehaviour(ref, { kind: "neverHealthy" });
    await deploy(badImage, "v2");
    await context.clock.advance(5_000);
    await deploy(nextImage, "v3");
    await context.clock.advance(12_000);
    expect(phase(await getRevision("web--v3"))).toBe("Provisioned/Running/Healthy");
    expect((await getApp()).properties.latestReadyRevisionName).toBe("web--v3");
  });

  it("slow uses the given durations", async () => {
    seed();
    provider.setNextRevisionBehaviour(ref, { kind: "slow", durations: { provisioning: 30_000, healthy: 10_000 } });
    await deploy(nextImage, "v2");
    await context.clock.advance(29_999);
    expect(phase(await getRevision("web--v2"))).toBe("Provisioning/Processing/None");
    expect((await getApp()).properties.provisioningState).toBe("InProgress");
    await context.clock.advance(1 + 3_000 + 9_999);
    expect(phase(await getRevision("web--v2"))).toBe("Provisioned/Running/None");
    await context.clock.advance(1);
    expect(phase(await getRevision("web--v2"))).toBe("Provisioned/Running/Healthy");
  });

  it("an image behaviour keeps a bad digest bad across a rollback and a redeploy", async () => {
    seed();
    provider.setImageBehaviour(badImage, { kind: "neverHealthy" });
    await deploy(badImage, "bad1");
    await context.clock.advance(20_000);
    expect(phase(await getRevision("web--bad1"))).toBe("Provisioned/Degraded/Unhealthy");
    await deploy(goodImage, "good2");
    await context.clock.advance(20_000);
    expect(phase(await getRevision("web--good2"))).toBe("Provisioned/Running/Healthy");
    expect((await getApp()).properties.latestReadyRevisionName).toBe("web--good2");
    await deploy(badImage, "bad3");
    await context.clock.advance(20_000);
    expect(phase(await getRevision("web--bad3"))).toBe("Provisioned/Degraded/Unhealthy");
    expect((await getApp()).properties.latestReadyRevisionName).toBe("web--good2");
  });

  it("an image behaviour keyed by digest matches any repository at that digest, including init containers", async () => {
    seed();
    provider.setImageBehaviour("sha256:2222222222222222222222222222222222222222222222222222222222222222", { kind: "provisioningFails" });
    await call("PATCH", appPath, {
      location: "East US",
      properties: { template: { revisionSuffix: "v2", initContainers: [{ name: "migrate", image: badImage }] } },
    });
    await context.clock.advance(5_000);
    expect((await getRevision("web--v2")).properties.provisioningState).toBe("Failed");
  });

  it("rejects an invalid behaviour", () => {
    seed();
    expect(() => provider.setNextRevisionBehaviour(ref, { kind: "sometimes" as "healthy" })).toThrow(/kind/);
    expect(() => provider.setNextRevisionBehaviour({ ...ref, name: "ghost" }, { kind: "healthy" })).toThrow(/was not found/);
  });
});

describe("Multiple mode", () => {
  async function multipleApp(): Promise<void> {
    seed({ activeRevisionsMode: "Multiple", ingress: { external: true, targetPort: 8080, traffic: [{ revisionName: "web--v1", weight: 100 }] } });
  }

  it("gives a new revision traffic only as configured, and moves weights by PATCH", async () => {
    await multipleApp();
    await deploy(nextImage, "v2");
    await context.clock.advance(12_000);
    expect((await getApp()).properties.latestReadyRevisionName).toBe("web--v2");
    expect((await getRevision("web--v1")).properties).toMatchObject({ active: true, trafficWeight: 100 });
    expect((await getRevision("web--v2")).properties).toMatchObject({ active: true, trafficWeight: 0 });
    const split = await call("PATCH", appPath, {
      location: "East US",
      properties: { configuration: { ingress: { traffic: [{ revisionName: "web--v1", weight: 80 }, { latestRevision: true, weight: 20 }] } } },
    });
    expect(split.status).toBe(202);
    expect((await getRevision("web--v1")).properties.trafficWeight).toBe(80);
    expect((await getRevision("web--v2")).properties.trafficWeight).toBe(20);
    expect((await getApp()).properties.configuration.ingress).toMatchObject({ targetPort: 8080, external: true });
  });

  it("activates a previous revision, moves all traffic to it and deactivates the failed one", async () => {
    await multipleApp();
    await call("POST", `${appPath}/revisions/web--v1/deactivate`);
    expect((await getRevision("web--v1")).properties).toMatchObject({ active: false, replicas: 0, trafficWeight: 0 });
    provider.setNextRevisionBehaviour(ref, { kind: "provisioningFails" });
    await call("PATCH", appPath, {
      location: "East US",
      properties: { template: { revisionSuffix: "v2", containers: [{ name: "web", image: badImage }] }, configuration: { ingress: { traffic: [{ latestRevision: true, weight: 100 }] } } },
    });
    await context.clock.advance(5_000);
    expect((await getRevision("web--v2")).properties.provisioningState).toBe("Failed");

    const tooEarly = await call("PATCH", appPath, { location: "East US", properties: { configuration: { ingress: { traffic: [{ revisionName: "web--v1", weight: 100 }] } } } });
    expect(tooEarly.status).toBe(400);
    expect(JSON.stringify(tooEarly.body)).toContain("not active");

    expect((await call("POST", `${appPath}/revisions/web--v1/activate`)).status).toBe(200);
    expect(phase(await getRevision("web--v1"))).toBe("Provisioned/Processing/None");
    await context.clock.advance(7_000);
    expect(phase(await getRevision("web--v1"))).toBe("Provisioned/Running/Healthy");
    const moved = await call("PATCH", appPath, { location: "East US", properties: { configuration: { ingress: { traffic: [{ revisionName: "web--v1", weight: 100 }] } } } });
    expect(moved.status).toBe(202);
    expect((await call("POST", `${appPath}/revisions/web--v2/deactivate`)).status).toBe(200);
    await context.clock.advance(1_000);
    const revisions = await listRevisions();
    expect(revisions.map((revision) => [revision.name, revision.properties.active, revision.properties.trafficWeight])).toEqual([
      ["web--v1", true, 100],
      ["web--v2", false, 0],
    ]);
  });

  it.each([
    ["weights that do not add up to 100", [{ revisionName: "web--v1", weight: 60 }], "add up to 100"],
    ["an unknown revision", [{ revisionName: "web--zzz", weight: 100 }], "not found"],
    ["an entry with both name and latestRevision", [{ revisionName: "web--v1", latestRevision: true, weight: 100 }], "exactly one"],
  ])("refuses traffic with %s", async (_label, traffic, detail) => {
    await multipleApp();
    const reply = await call("PATCH", appPath, { location: "East US", properties: { configuration: { ingress: { traffic } } } });
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe("ContainerAppOperationError");
    expect(JSON.stringify(reply.body)).toContain(detail);
    expect((await getApp()).properties.configuration.ingress).toMatchObject({ traffic: [{ revisionName: "web--v1", weight: 100 }] });
  });

  it("accepts traffic naming the revision the same PATCH creates", async () => {
    await multipleApp();
    const reply = await call("PATCH", appPath, {
      location: "East US",
      properties: {
        template: { revisionSuffix: "v2", containers: [{ name: "web", image: nextImage }] },
        configuration: { ingress: { traffic: [{ revisionName: "web--v1", weight: 90 }, { revisionName: "web--v2", weight: 10 }] } },
      },
    });
    expect(reply.status).toBe(202);
    await context.clock.advance(12_000);
    expect((await getRevision("web--v2")).properties.trafficWeight).toBe(10);
  });
});

describe("PUT createOrUpdate", () => {
  it("creates an app whose first revision goes through the lifecycle", async () => {
    const reply = await call("PUT", appPath, {
      location: "West Europe",
      properties: {
        environmentId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.App/managedEnvironments/env1`,
        configuration: { ingress: { external: true, targetPort: 80 } },
        template: { containers: [{ name: "web", image: goodImage }] },
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.headers?.["azure-asyncoperation"]).toContain("/locations/westeurope/containerappOperationStatuses/");
    expect((reply.body as ContainerAppResource).properties.provisioningState).toBe("InProgress");
    expect((reply.body as ContainerAppResource).properties.latestReadyRevisionName).toBe("");
    await context.clock.advance(12_000);
    const app = await getApp();
    expect(app.properties.provisioningState).toBe("Succeeded");
    expect(app.properties.latestReadyRevisionName).toBe(app.properties.latestRevisionName);
  });

  it("answers 400 when required fields are missing", async () => {
    const reply = await call("PUT", appPath, { location: "West Europe", properties: { template: { containers: [{ name: "web", image: goodImage }] } } });
    expect(reply.status).toBe(400);
  });
});

describe("control routes", () => {
  it("seeds over HTTP, reads state back and sets behaviours", async () => {
    const seeded = await control("POST", "/containerApps", { ...ref, revisionSuffix: "v1", containers: [{ name: "web", image: goodImage }] });
    expect(seeded.status).toBe(201);
    expect((seeded.body as ContainerAppResource).properties.latestReadyRevisionName).toBe("web--v1");
    expect((await control("POST", "/containerApps", { ...ref, containers: [{ name: "web", image: goodImage }] })).status).toBe(409);
    expect((await control("POST", "/containerApps", { ...ref, name: "x2", containers: "web" })).status).toBe(400);

    const next = await control("PUT", `/containerApps/${subscriptionId}/${resourceGroup}/web/nextRevision`, { kind: "neverHealthy" });
    expect(next.status).toBe(200);
    expect((await control("PUT", `/containerApps/${subscriptionId}/${resourceGroup}/web/nextRevision`, { kind: "bogus" })).status).toBe(400);
    await deploy(badImage, "v2");
    await context.clock.advance(20_000);
    const read = await control("GET", `/containerApps/${subscriptionId}/${resourceGroup}/web`);
    expect(read.status).toBe(200);
    const { app, revisions } = read.body as { app: ContainerAppResource; revisions: RevisionResource[] };
    expect(app.properties.latestReadyRevisionName).toBe("web--v1");
    expect(revisions.map(phase)).toEqual(["Provisioned/Running/Healthy", "Provisioned/Degraded/Unhealthy"]);
    expect((await control("GET", `/containerApps/${subscriptionId}/${resourceGroup}/nope`)).status).toBe(404);
  });

  it("manages image behaviours", async () => {
    expect((await control("PUT", "/containerApps/imageBehaviours", { image: badImage, behaviour: { kind: "provisioningFails" } })).status).toBe(200);
    expect((await control("PUT", "/containerApps/imageBehaviours", { image: "", behaviour: { kind: "healthy" } })).status).toBe(400);
    expect((await control("GET", "/containerApps/imageBehaviours")).body).toEqual({ imageBehaviours: [{ image: badImage, behaviour: { kind: "provisioningFails" } }] });
    expect((await control("DELETE", `/containerApps/imageBehaviours?image=${encodeURIComponent(badImage)}`)).status).toBe(204);
    expect((await control("GET", "/containerApps/imageBehaviours")).body).toEqual({ imageBehaviours: [] });
  });

  it("reset forgets apps and behaviours", async () => {
    seed();
    provider.setImageBehaviour(badImage, { kind: "neverHealthy" });
    provider.reset();
    expect(provider.getApp(ref)).toBeUndefined();
    expect((await control("GET", "/containerApps")).body).toEqual({ apps: [] });
    expect((await control("GET", "/containerApps/imageBehaviours")).body).toEqual({ imageBehaviours: [] });
  });

  it("summarizes state for GET /_sandbox/state", () => {
    seed();
    expect(provider.state()).toEqual({
      apps: [
        {
          id: appPath,
          latestRevisionName: "web--v1",
          latestReadyRevisionName: "web--v1",
          revisions: [{ name: "web--v1", active: true, provisioningState: "Provisioned", runningState: "Running", healthState: "Healthy", trafficWeight: 100 }],
        },
      ],
    });
  });
});

describe("programmatic readers", () => {
  it("getApp, listRevisions and getRevision match the ARM answers", async () => {
    seed();
    await deploy(nextImage, "v2");
    expect(provider.getApp(ref)).toEqual(await getApp());
    expect(provider.listRevisions(ref)).toEqual(await listRevisions());
    expect(provider.getRevision(ref, "WEB--V2")).toEqual(await getRevision("web--v2"));
    expect(provider.getRevision(ref, "web--nope")).toBeUndefined();
    expect(provider.listRevisions({ ...ref, name: "ghost" })).toEqual([]);
  });
});
