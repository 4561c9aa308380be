/**
 * Least privilege, derived from real calls. The product runs its paths against the Azure sandbox (real SDK clients
 * over HTTPS, the real durable-functions engine): a plain deploy, a deploy with an ACR Tasks build, a cancel during
 * the build, a failing build (its log is read), auto-rollout from an ACR webhook,
 * an Event Grid event and the reconcile scan, an upload slot for a build context, an image
 * the registry lacks (the write's operation is read), and a bad revision that is restarted and then rolled back in Multiple mode. The sandbox records the
 * operation of every call; each is mapped to the RBAC permissions it needs (rbacActions.ts) and compared with the
 * custom roles read from infra/bicep (bicepRoles.ts). It fails when a permission used is not granted, and when a
 * permission granted is never used.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetSettingsCache } from "../../src/config/settings.js";
import { resetTargetsCache } from "../../src/config/targets.js";
import type { CallRecord } from "../../src/sandbox/kernel/callLog.js";
import { CANCEL_EVENT } from "../../src/orchestrations/names.js";
import { productFunctionModules } from "../api/contract/contractWorld.js";
import { fixture } from "../e2e/autoRollout/autoRolloutWorld.js";
import { LOGIN_SERVER, REGISTRY_NAME, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, outputOf, type DeployWorld, useDeployWorld } from "../e2e/world.js";
import { readRoleDefinitions, type BicepRole } from "./bicepRoles.js";
import { permissionsFor } from "./rbacActions.js";

const BICEP_DIR = join(import.meta.dirname, "../../infra/bicep");

/** The repository the auto-rollout target follows (apart from the other scenarios' pushes). */
const AUTO_REPOSITORY = "team/auto";
const WEBHOOK_SECRET = "least-privilege-webhook-secret-0123456789";

/** The targets the HTTP, push and timer functions serve (the deploy scenarios start orchestrations directly). */
const TARGETS = {
  targets: [
    {
      name: "lp-auto",
      containerApp: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: "lp-auto" },
      image: { loginServer: LOGIN_SERVER, repository: AUTO_REPOSITORY },
      policy: { verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 },
      autoRollout: { tagPolicy: { kind: "glob", pattern: "v*" } },
    },
    {
      name: "lp-builder",
      containerApp: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: "lp-builder-app" },
      image: { loginServer: LOGIN_SERVER, repository: REPOSITORY },
      build: { registry: { resourceGroup: RESOURCE_GROUP, name: REGISTRY_NAME }, source: { kind: "git", url: "https://github.com/contoso/web.git" } },
      allowOverrides: ["build"],
    },
  ],
};
Object.assign(process.env, {
  ACA_ROLLOUT_TARGETS: JSON.stringify(TARGETS),
  ACA_ROLLOUT_WEBHOOK_SECRET: WEBHOOK_SECRET,
  // The reconcile scan runs every five virtual minutes throughout, as it does in Azure by default.
  ACA_ROLLOUT_SCAN_SCHEDULE: "0 */5 * * * *",
});
resetTargetsCache();
resetSettingsCache();
afterAll(() => {
  for (const name of ["ACA_ROLLOUT_TARGETS", "ACA_ROLLOUT_WEBHOOK_SECRET", "ACA_ROLLOUT_SCAN_SCHEDULE"]) delete process.env[name];
  resetTargetsCache();
  resetSettingsCache();
});

let world: DeployWorld;
// Every product function module, so the HTTP, push and timer functions are there as in Azure.
useDeployWorld((started) => (world = started), { functionModules: productFunctionModules() });

/** Calls one of the product's HTTP functions with the function key; returns status and JSON body. */
async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${world.runtime.url}/api${path}`, {
    method,
    headers: { "x-functions-key": world.runtime.functionKey, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

/** Every call the product made while the scenarios ran. */
const calls: CallRecord[] = [];

/** Runs every deploy of target `lp-auto` not yet ended; returns how each was triggered. */
async function finishAutoDeploys(): Promise<string[]> {
  await world.settle();
  // Past the debounce window, so coalesced pushes have started their deploy.
  await world.clock.advance(15_000, world.settle);
  const page = await world.runtime.engine.listInstances({ showInput: true });
  const deploys = page.instances.filter((i) => i.name === "deploy" && (i.input as { targetName?: string }).targetName === "lp-auto");
  for (const deploy of deploys) await world.runToEnd(deploy.instanceId);
  return deploys.map((d) => (d.input as { trigger: { kind: string } }).trigger.kind);
}

const pushAuto = (tag: string): Promise<string> => world.sandbox.dataPlane.seedImage(LOGIN_SERVER, AUTO_REPOSITORY, tag, { nonce: `${tag}-${randomUUID()}` });

/** Auto-rollout: a push announced by the ACR webhook, one by Event Grid, and one only the reconcile scan finds. */
async function runAutoRolloutScenarios(): Promise<void> {
  const v1 = await pushAuto("v1");
  world.sandbox.apps.seedApp({
    subscriptionId: SUBSCRIPTION,
    resourceGroup: RESOURCE_GROUP,
    name: "lp-auto",
    containers: [{ name: "web", image: `${LOGIN_SERVER}/${AUTO_REPOSITORY}@${v1}` }],
    registries: [{ server: LOGIN_SERVER, identity: "system" }],
    template: { scale: { minReplicas: 1 } },
  });

  const v2 = await pushAuto("v2");
  const pushEvent = fixture("docs/container-registry-webhook-reference/push-event.json");
  const webhook = await fetch(`${world.runtime.url}/api/webhooks/acr`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-aca-rollout-secret": WEBHOOK_SECRET },
    body: JSON.stringify({
      ...pushEvent,
      id: randomUUID(),
      timestamp: new Date(world.clock.now()).toISOString(),
      target: { ...(pushEvent.target as object), repository: AUTO_REPOSITORY, tag: "v2", digest: v2 },
      request: { ...(pushEvent.request as object), host: LOGIN_SERVER },
    }),
  });
  expect(webhook.status).toBeLessThan(300);
  expect(await finishAutoDeploys()).toContain("webhook");

  const v3 = await pushAuto("v3");
  const egEvent = fixture("eventgrid/containerregistry/2018-01-01/examples/event-grid-schema/image_pushed.json");
  const egData = egEvent.data as { target: object; request: object };
  const eventGrid = await fetch(`${world.runtime.url}/runtime/webhooks/eventgrid?functionName=acrImagePushed&code=${encodeURIComponent(world.runtime.eventGridKey)}`, {
    method: "POST",
    headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
    body: JSON.stringify([
      {
        ...egEvent,
        id: randomUUID(),
        subject: `${AUTO_REPOSITORY}:v3`,
        eventTime: new Date(world.clock.now()).toISOString(),
        data: { ...egData, target: { ...egData.target, repository: AUTO_REPOSITORY, tag: "v3", digest: v3 }, request: { ...egData.request, host: LOGIN_SERVER } },
      },
    ]),
  });
  expect(eventGrid.status).toBeLessThan(300);
  expect(await finishAutoDeploys()).toContain("eventGrid");

  // Announced by nothing: the next scan finds it.
  await pushAuto("v4");
  await world.clock.advance(5 * 60_000, world.settle);
  expect(await finishAutoDeploys()).toContain("scan");
}

async function runScenarios(): Promise<void> {
  await runAutoRolloutScenarios();

  // 1. Deploy a tag: resolve its digest, patch the app, follow the operation, verify the new revision.
  const plain = await world.seedApp("lp-plain");
  await world.pushImage("v2");
  const plainOut = outputOf(await world.runToEnd(await world.start(world.request(plain.name))));
  expect(plainOut.outcome).toBe("Succeeded");

  // 2. Build with ACR Tasks, follow the run, report its layers (manifests read through the data plane), then
  //    deploy the built digest.
  const built = await world.seedApp("lp-build");
  const build = world.request(built.name, {
    image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, tag: "lp-built" },
    build: { registry: { resourceGroup: RESOURCE_GROUP }, source: { kind: "git", url: "https://github.com/contoso/web.git" } },
  });
  const buildOut = outputOf(await world.runToEnd(await world.start(build)));
  expect(buildOut.outcome).toBe("Succeeded");

  // 3. Cancel while the build runs: the ACR run is canceled.
  const canceled = await world.seedApp("lp-cancel");
  const cancelId = await world.start(world.request(canceled.name, { build: build.build }));
  await world.runToEnd(cancelId, { until: (s) => (s.customStatus as { runId?: string } | undefined)?.runId !== undefined });
  await world.runtime.engine.raiseEvent(cancelId, CANCEL_EVENT, { requestedBy: "least-privilege test" });
  expect(outputOf(await world.runToEnd(cancelId)).outcome).toBe("Canceled");

  // 4. A build that fails: its log tail is read through the run's log SAS URL.
  const failing = await world.seedApp("lp-build-fails");
  world.sandbox.acr.failNextRun("Failed", "step 3/7: RUN npm ci\nnpm ERR! missing script: build\n");
  const failedOut = outputOf(await world.runToEnd(await world.start(world.request(failing.name, { build: build.build }))));
  expect(failedOut.outcome).toBe("Failed");
  expect(failedOut.logTail).toContain("npm ERR!");

  // 5. An upload slot for a build context (POST /api/uploads): the registry's build-source upload URL.
  const upload = await api("POST", "/uploads", { target: "lp-builder" });
  expect(upload.status).toBe(200);

  // 6. An image the registry does not have: Azure accepts the PATCH, then its operation fails; the deploy
  //    reads that operation (under /subscriptions/<id>/providers/Microsoft.App/locations/...) to say why.
  const unpullable = await world.seedApp("lp-unpullable");
  const missing = `sha256:${"0".repeat(63)}1`;
  const unpullableOut = outputOf(await world.runToEnd(await world.start(world.request(unpullable.name, { image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, digest: missing } }))));
  expect(unpullableOut.outcome).toBe("Failed");

  // 7. A revision that never gets healthy: restart it, then roll back by activating the previous revision,
  //    moving traffic and deactivating the bad one (Multiple mode).
  const multi = await world.seedApp("lp-fallback", {
    activeRevisionsMode: "Multiple",
    ingress: { external: true, targetPort: 80, traffic: [{ latestRevision: true, weight: 100 }] },
  });
  const bad = await world.pushImage("v2", "lp-bad");
  world.sandbox.apps.setImageBehaviour(bad, { kind: "neverHealthy" });
  const fallbackOut = outputOf(await world.runToEnd(await world.start(world.request(multi.name, { image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, digest: bad } }))));
  expect(fallbackOut.outcome).toBe("RolledBack");
}

/** `actions`/`dataActions` used by the recorded calls, each with one call that needed it. */
function used(records: readonly CallRecord[]): { actions: Map<string, CallRecord>; dataActions: Map<string, CallRecord> } {
  const actions = new Map<string, CallRecord>();
  const dataActions = new Map<string, CallRecord>();
  for (const call of records) {
    const needed = permissionsFor(call);
    for (const action of needed.actions) if (!actions.has(action)) actions.set(action, call);
    for (const action of needed.dataActions) if (!dataActions.has(action)) dataActions.set(action, call);
  }
  return { actions, dataActions };
}

const lower = (values: Iterable<string>): Set<string> => new Set([...values].map((v) => v.toLowerCase()));

describe("least privilege: the custom roles grant exactly what the product calls", () => {
  let roles: BicepRole[];
  beforeAll(async () => {
    roles = readRoleDefinitions(BICEP_DIR, join(BICEP_DIR, "../.."));
    world.sandbox.callLog.clear();
    await runScenarios();
    calls.push(...world.sandbox.callLog.calls());
  }, 240_000);

  it("ran the product's calls through the sandbox", () => {
    expect(calls.length).toBeGreaterThan(20);
    // Control routes (seeding, behaviours) are not product calls and are not in the log.
    expect(calls.every((c) => c.operation !== "sandbox/control")).toBe(true);
  });

  it("grants every action and data action a recorded call needs", () => {
    const granted = { actions: lower(roles.flatMap((r) => r.actions)), dataActions: lower(roles.flatMap((r) => r.dataActions)) };
    const needed = used(calls);
    const missing = [
      ...[...needed.actions].filter(([action]) => !granted.actions.has(action.toLowerCase())).map(([action, call]) => `action ${action} (e.g. ${call.method} ${call.path})`),
      ...[...needed.dataActions].filter(([action]) => !granted.dataActions.has(action.toLowerCase())).map(([action, call]) => `data action ${action} (e.g. ${call.method} ${call.path})`),
    ];
    expect(missing, "used by the product but granted by no custom role in infra/bicep").toEqual([]);
  });

  it("grants nothing the product never used", () => {
    const needed = used(calls);
    const usedActions = lower(needed.actions.keys());
    const usedData = lower(needed.dataActions.keys());
    const unused = roles.flatMap((role) => [
      ...role.actions.filter((a) => !usedActions.has(a.toLowerCase())).map((a) => `${role.file} ${role.symbol}: action ${a}`),
      ...role.dataActions.filter((a) => !usedData.has(a.toLowerCase())).map((a) => `${role.file} ${role.symbol}: data action ${a}`),
    ]);
    expect(unused, "granted in infra/bicep but never needed by a recorded call").toEqual([]);
  });
});
