/**
 * Least privilege, derived from real calls. The product runs its paths against the Azure sandbox (real SDK clients
 * over HTTPS, the real durable-functions engine): a plain deploy, a deploy with an ACR Tasks build, a cancel during
 * the build, a failing build (its log is read), an upload slot for a build context, an image
 * the registry lacks (the write's operation is read), and a bad revision that is restarted and then rolled back in Multiple mode. The sandbox records the
 * operation of every call; each is mapped to the RBAC permissions it needs (rbacActions.ts) and compared with the
 * custom roles read from infra/bicep (bicepRoles.ts). It fails when a permission used is not granted, and when a
 * permission granted is never used.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetSettingsCache } from "../../src/config/settings.js";
import { resetTargetsCache } from "../../src/config/targets.js";
import type { CallRecord } from "../../src/sandbox/kernel/callLog.js";
import { CANCEL_EVENT } from "../../src/orchestrations/names.js";
import { productFunctionModules } from "../api/contract/contractWorld.js";
import { LOGIN_SERVER, REGISTRY_NAME, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, outputOf, type DeployWorld, useDeployWorld } from "../e2e/world.js";
import { readRoleDefinitions, type BicepRole } from "./bicepRoles.js";
import { permissionsFor } from "./rbacActions.js";

const BICEP_DIR = join(import.meta.dirname, "../../infra/bicep");

/** The targets the HTTP functions serve (the deploy scenarios start orchestrations directly). */
const TARGETS = {
  targets: [
    {
      name: "lp-builder",
      containerApp: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: "lp-builder-app" },
      image: { loginServer: LOGIN_SERVER, repository: REPOSITORY },
      build: { registry: { resourceGroup: RESOURCE_GROUP, name: REGISTRY_NAME }, source: { kind: "git", url: "https://github.com/contoso/web.git" } },
      allowOverrides: ["build"],
    },
  ],
};
process.env.ACA_ROLLOUT_TARGETS = JSON.stringify(TARGETS);
resetTargetsCache();
resetSettingsCache();
afterAll(() => {
  delete process.env.ACA_ROLLOUT_TARGETS;
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

async function runScenarios(): Promise<void> {
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
