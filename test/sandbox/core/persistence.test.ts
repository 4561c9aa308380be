/**
 * A sandbox with a `stateDir` remembers what Azure would remember when our process dies: apps,
 * revisions and their write operations, registries, runs, pushed images, scenario settings and the
 * call log, and keeps its port. "Killed" is played by copying the state directory while the first
 * sandbox is still running (what is on disk at an arbitrary moment is all a SIGKILL leaves); the
 * SIGKILL of `npm start` itself is in test/e2e/npmStartCrash.test.ts.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startSandbox, type Sandbox, type StartSandboxOptions } from "../../../src/sandbox/server.js";
import { REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "../acr/acrClient.js";
import { sandboxRequest } from "./sandboxHttp.js";

const LOGIN_SERVER = `${REGISTRY}.azurecr.io`;
const APP = { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: "web" };
const APP_PATH = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.App/containerApps/web`;
const REGISTRY_PATH = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`;
const APPS_API = "api-version=2026-07-01";
const ACR_API = "api-version=2019-06-01-preview";

const dirs: string[] = [];
const running: Sandbox[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "aca-sandbox-state-"));
  dirs.push(dir);
  return dir;
}

async function start(stateDir: string, clock: VirtualClock, extra: Partial<StartSandboxOptions> = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({
    clock,
    stateDir,
    certDir: stateDir,
    durations: { revisionProvisioning: 5_000, revisionActivating: 3_000, revisionHealthy: 5_000, runQueued: 1_000, runRunning: 4_000, lroPoll: 1_000 },
    registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY }],
    ...extra,
  });
  running.push(sandbox);
  return sandbox;
}

async function stop(sandbox: Sandbox): Promise<void> {
  running.splice(running.indexOf(sandbox), 1);
  await sandbox.stop();
}

const control = (sandbox: Sandbox, method: string, path: string, body?: unknown) => sandboxRequest(sandbox, method, `/_sandbox${path}`, { bearer: false, body });

afterAll(async () => {
  for (const sandbox of running) await sandbox.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("a sandbox with a state directory", () => {
  it("comes back after a crash with its resources, runs, images, scenario settings and call log, and keeps its port", async () => {
    const clock = new VirtualClock("2026-06-01T08:00:00.000Z");
    const stateDir = tempDir();
    const first = await start(stateDir, clock);
    expect(first.persistence).toMatchObject({ restored: false });
    const port = new URL(first.origin).port;
    expect(readFileSync(join(stateDir, "port"), "utf8").trim()).toBe(port);

    // An app running v1; a PATCH to v2 whose operation and revision are still under way.
    const v1 = await first.dataPlane.seedImage(LOGIN_SERVER, "web", "v1", { nonce: "persist-v1" });
    await first.dataPlane.seedImage(LOGIN_SERVER, "web", "v2", { nonce: "persist-v2" });
    await first.dataPlane.seedImage(LOGIN_SERVER, "web", "v3", { nonce: "persist-v3" });
    first.apps.seedApp({ ...APP, containers: [{ name: "web", image: `${LOGIN_SERVER}/web@${v1}` }], registries: [{ server: LOGIN_SERVER, identity: "system" }] });
    const patch = await sandboxRequest(first, "PATCH", `${APP_PATH}?${APPS_API}`, {
      body: { properties: { template: { revisionSuffix: "v2", containers: [{ name: "web", image: `${LOGIN_SERVER}/web:v2` }] } } },
    });
    expect(patch.status).toBe(202);
    const operationUrl = new URL(String(patch.headers["azure-asyncoperation"]));

    // A build that succeeds and pushes web:built, and one planned to fail.
    const build = await sandboxRequest(first, "POST", `${REGISTRY_PATH}/scheduleRun?${ACR_API}`, {
      body: {
        type: "DockerBuildRequest",
        imageNames: ["web:built"],
        dockerFilePath: "Dockerfile",
        platform: { os: "Linux" },
        sourceLocation: "https://github.com/example/web.git",
        arguments: [{ name: "NPM_TOKEN", value: "s3cret-npm-token", isSecret: true }],
      },
    });
    expect(build.status).toBe(200);
    await clock.advance(6_000);
    await first.dataPlane.whenIdle();
    const built = await first.dataPlane.resolveTag(LOGIN_SERVER, "web", "built");
    expect(built).toMatch(/^sha256:/);
    const logLink = ((await sandboxRequest(first, "POST", `${REGISTRY_PATH}/runs/ca1/listLogSasUrl?${ACR_API}`)).json as { logLink: string }).logLink;
    // A build still running at the crash: it finishes (and pushes) after the restart.
    const late = await sandboxRequest(first, "POST", `${REGISTRY_PATH}/scheduleRun?${ACR_API}`, {
      body: { type: "DockerBuildRequest", imageNames: ["web:late"], dockerFilePath: "Dockerfile", platform: { os: "Linux" }, sourceLocation: "https://github.com/example/web.git" },
    });
    expect(late.status).toBe(200);

    // Scenario settings.
    expect((await control(first, "PUT", "/durations", { revisionHealthy: 7_000 })).status).toBe(200);
    expect((await control(first, "POST", "/faults", { operation: "Microsoft.App/containerApps/write", status: 500, times: 2 })).status).toBe(201);
    expect((await control(first, "PUT", `/containerApps/${SUBSCRIPTION}/${RESOURCE_GROUP}/web/nextRevision`, { kind: "neverHealthy" })).status).toBe(200);
    expect((await control(first, "PUT", "/containerApps/imageBehaviours", { image: "sha256:bad", behaviour: { kind: "provisioningFails" } })).status).toBe(200);
    expect((await control(first, "PUT", "/containerApps/ingressResponses", { path: "/healthz", status: 503 })).status).toBe(200);
    expect((await control(first, "POST", "/acr/next-run", { status: "Failed", log: "npm ci failed" })).status).toBe(201);
    const callsBefore = first.callLog.calls();
    expect(callsBefore.length).toBeGreaterThanOrEqual(2);

    // What a SIGKILL leaves: the files as they are now, with the first sandbox still holding its port.
    const crashedDir = tempDir();
    cpSync(stateDir, crashedDir, { recursive: true });
    expect(readFileSync(join(crashedDir, "state.json"), "utf8")).not.toContain("s3cret-npm-token");
    const second = await start(crashedDir, clock);
    expect(second.persistence).toMatchObject({ restored: true, rememberedPortTaken: Number(port) });
    expect(second.persistence?.warning).toBeUndefined();

    const app = second.apps.getApp(APP);
    expect(app?.properties.latestRevisionName).toBe("web--v2");
    expect(second.apps.listRevisions(APP).map((revision) => revision.name)).toEqual([first.apps.listRevisions(APP)[0]!.name, "web--v2"]);
    const status = await sandboxRequest(second, "GET", `${operationUrl.pathname}${operationUrl.search}`);
    expect(status.status, status.text).toBe(200);
    expect(status.json).toMatchObject({ status: "Succeeded" });
    // Time goes on after the restart: the revision becomes ready, the old one hands over.
    await clock.advance(15_000);
    expect(second.apps.getApp(APP)?.properties.latestReadyRevisionName).toBe("web--v2");
    // The build that was running finished meanwhile, and its image was pushed without anyone asking.
    await second.dataPlane.whenIdle();
    const lateDigest = await second.dataPlane.resolveTag(LOGIN_SERVER, "web", "late");
    expect(lateDigest).toMatch(/^sha256:/);

    expect(second.acr.registries().map((registry) => registry.name)).toEqual([REGISTRY]);
    expect(second.acr.scheduledRuns().map((run) => [run.runId, run.status])).toEqual([
      ["ca2", "Succeeded"],
      ["ca1", "Succeeded"],
    ]);
    expect(lateDigest).toBe(second.acr.scheduledRun("ca2")?.outputImages[0]?.digest);
    expect(await second.dataPlane.resolveTag(LOGIN_SERVER, "web", "built")).toBe(built);
    expect(await second.dataPlane.resolveTag(LOGIN_SERVER, "web", "v1")).toBe(v1);

    const state = (await control(second, "GET", "/state")).json as { durations: { revisionHealthy: number }; faults: { remaining: number }[] };
    expect(state.durations.revisionHealthy).toBe(7_000);
    expect(state.faults).toMatchObject([{ operation: "Microsoft.App/containerApps/write", remaining: 2 }]);
    expect(((await control(second, "GET", "/containerApps/imageBehaviours")).json as { imageBehaviours: unknown[] }).imageBehaviours).toEqual([
      { image: "sha256:bad", behaviour: { kind: "provisioningFails" } },
    ]);
    const providers = ((await control(second, "GET", "/state")).json as { providers: { containerRegistry: { pendingPlans: unknown[] } } }).providers;
    expect(providers.containerRegistry.pendingPlans).toEqual([{ status: "Failed", log: "npm ci failed" }]);
    // The calls answered before the crash, then the one made since (the operation status read).
    expect(second.callLog.calls().slice(0, callsBefore.length)).toEqual(callsBefore);
    expect(second.callLog.calls().slice(callsBefore.length).map((call) => [call.seq, call.operation])).toEqual([
      [callsBefore.at(-1)!.seq + 1, "Microsoft.App/locations/containerappOperationStatuses/read"],
    ]);

    // The remembered fault answers the next write, and the one-shot behaviour applies to the revision after it.
    const refused = await sandboxRequest(second, "PATCH", `${APP_PATH}?${APPS_API}`, {
      body: { properties: { template: { revisionSuffix: "v3", containers: [{ name: "web", image: `${LOGIN_SERVER}/web:v3` }] } } },
    });
    expect(refused.status).toBe(500);
    expect(second.callLog.calls().at(-1)).toMatchObject({ seq: callsBefore.at(-1)!.seq + 2, status: 500, faulted: true });
    expect((await control(second, "DELETE", "/faults")).status).toBe(204);
    const accepted = await sandboxRequest(second, "PATCH", `${APP_PATH}?${APPS_API}`, {
      body: { properties: { template: { revisionSuffix: "v3", containers: [{ name: "web", image: `${LOGIN_SERVER}/web:v3` }] } } },
    });
    expect(accepted.status).toBe(202);
    await clock.advance(20_000);
    expect(second.apps.getRevision(APP, "web--v3")?.properties).toMatchObject({ runningState: "Degraded", healthState: "Unhealthy" });

    // A log URL handed out before the crash still answers, with the run's log.
    const log = await sandboxRequest(second, "GET", logLink.replace(first.origin, second.origin), { bearer: false });
    expect(log.status).toBe(200);
    expect(log.text).toContain("Run ID: ca1 was successful");

    await stop(second);
    await stop(first);

    // A clean restart on the original directory gets the remembered port back.
    const third = await start(stateDir, clock);
    expect(new URL(third.origin).port).toBe(port);
    expect(third.persistence).toMatchObject({ restored: true });
    expect(third.persistence?.rememberedPortTaken).toBeUndefined();
    expect(third.apps.getApp(APP)?.properties.latestRevisionName).toBe("web--v2");
    await stop(third);
  }, 60_000);

  it("keeps every call answered before a crash, even when the last line was torn", async () => {
    const clock = new VirtualClock("2026-06-01T09:00:00.000Z");
    const stateDir = tempDir();
    const first = await start(stateDir, clock);
    for (let i = 0; i < 3; i++) await sandboxRequest(first, "GET", `${REGISTRY_PATH}?api-version=2025-11-01`);
    await stop(first);
    // A process killed in the middle of an append.
    writeFileSync(join(stateDir, "calls.jsonl"), `${readFileSync(join(stateDir, "calls.jsonl"), "utf8")}{"seq":4,"meth`);
    const second = await start(stateDir, clock);
    expect(second.callLog.calls().map((call) => call.seq)).toEqual([1, 2, 3]);
    await sandboxRequest(second, "GET", `${REGISTRY_PATH}?api-version=2025-11-01`);
    await stop(second);
    const third = await start(stateDir, clock);
    expect(third.callLog.calls().map((call) => call.seq)).toEqual([1, 2, 3, 4]);
    await stop(third);
  });

  it("sets an unreadable state file aside and starts empty", async () => {
    const clock = new VirtualClock("2026-06-01T10:00:00.000Z");
    const stateDir = tempDir();
    writeFileSync(join(stateDir, "state.json"), "{ not json");
    const sandbox = await start(stateDir, clock);
    expect(sandbox.persistence?.restored).toBe(false);
    expect(sandbox.persistence?.warning).toMatch(/unreadable.*moved to .*state\.json\.unreadable-/);
    expect(existsSync(join(stateDir, "state.json"))).toBe(true);
    await stop(sandbox);
  });
});
