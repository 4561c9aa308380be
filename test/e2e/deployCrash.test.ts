import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/common/clock.js";
import type { InstanceStatus } from "../../src/local/engine/api.js";
import { isDockerRegistryInstalled, startDockerRegistry } from "../../src/local/services/dockerRegistry.js";
import { productSettingsFor } from "../../src/sandbox/productSettings.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { transpileForNode } from "../local/engine/transpile.js";
import { E2E_DURATIONS, LOGIN_SERVER, REGISTRY_NAME, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, type DeployView } from "./world.js";

let dir: string;
let worker: string;
let clock: VirtualClock;
let sandbox: Sandbox;
let registry: { stop(): Promise<void> } | undefined;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aca-crash-"));
  worker = await transpileForNode(join(import.meta.dirname, "fixtures/runtimeWorker.ts"), join(dir, "build"));
  clock = new VirtualClock("2026-11-28T09:00:00.000Z");
  const upstream = (await isDockerRegistryInstalled()) ? await startDockerRegistry({ dataDir: join(dir, "registry") }) : undefined;
  registry = upstream;
  sandbox = await startSandbox({
    clock,
    durations: E2E_DURATIONS,
    registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY_NAME }],
    ...(upstream ? { dataPlane: { upstreamUrl: upstream.url } } : {}),
  });
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, sandbox.caPem);
  env = {
    ...process.env,
    ...productSettingsFor(sandbox.origin, caFile, [LOGIN_SERVER]),
    ACA_ROLLOUT_ARM_RETRY_DELAY_MS: "20",
  };
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await sandbox?.stop();
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the runtime process on the journal in `dataDir`, its clock at the sandbox's time. */
async function startWorker(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [worker, dataDir, String(clock.now())], { env, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  children.push(child);
  await reply(child, "ready");
  return child;
}

function reply<T = unknown>(child: ChildProcess, type: string, send?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`worker exited (${code}) while waiting for '${type}'`));
    };
    const cleanup = () => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
    if (send) child.send(send);
  });
}

type State = { status: InstanceStatus; next: number | null };

/** Moves both clocks timer by timer until `until` holds or the deploy ends. */
async function drive(child: ChildProcess, id: string, until: (status: InstanceStatus) => boolean): Promise<InstanceStatus> {
  for (let i = 0; i < 500; i++) {
    const { status, next } = await reply<State>(child, "state", { type: "settle", id });
    if (until(status) || ["Completed", "Failed", "Terminated"].includes(status.runtimeStatus)) return status;
    if (next === null) throw new Error(`stuck: ${JSON.stringify(status.customStatus)}`);
    await clock.advanceTo(next);
    await reply(child, "ok", { type: "advanceTo", at: next });
  }
  throw new Error("too many steps");
}

/** Kills the process abruptly while it is working: right after it was told to move time on. */
async function killMidStep(child: ChildProcess, next: number): Promise<void> {
  await clock.advanceTo(next);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.send({ type: "advanceTo", at: next });
  await new Promise((resolve) => setTimeout(resolve, 15));
  child.kill("SIGKILL");
  await exited;
}

const phaseOf = (status: InstanceStatus): string | undefined => (status.customStatus as { phase?: string } | undefined)?.phase;

describe("a runtime killed mid-deploy", () => {
  it("finishes after restarts with exactly one ACR run and one PATCH per phase", async () => {
    const v1 = await sandbox.dataPlane.seedImage(LOGIN_SERVER, REPOSITORY, "v1", { nonce: "crash-v1" });
    const app = "web-crash";
    sandbox.apps.seedApp({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: RESOURCE_GROUP,
      name: app,
      containers: [{ name: "web", image: `${LOGIN_SERVER}/${REPOSITORY}@${v1}` }],
      registries: [{ server: LOGIN_SERVER, identity: "system" }],
    });
    // Whatever this deploy builds never gets healthy, so it also rolls back: two PATCH phases.
    sandbox.apps.setNextRevisionBehaviour({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: app }, { kind: "neverHealthy" });
    const id = "dep-crash-1";
    const input = {
      deploymentId: id,
      requestedAt: new Date(clock.now()).toISOString(),
      target: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: app },
      image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, tag: "v2" },
      build: { registry: { resourceGroup: RESOURCE_GROUP }, source: { kind: "git", url: "https://github.com/contoso/web.git" } },
      policy: { onFailure: "rollback", verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 },
    };
    const dataDir = join(dir, "data");

    // Run 1: killed while verifying the new revision.
    let child = await startWorker(dataDir);
    await reply(child, "ok", { type: "start", id, input });
    let status = await drive(child, id, (s) => phaseOf(s) === "Verifying");
    expect(phaseOf(status)).toBe("Verifying");
    let next = (await reply<State>(child, "state", { type: "settle", id })).next;
    await killMidStep(child, next!);

    // Run 2: resumes from the journal; killed while verifying the rollback.
    child = await startWorker(dataDir);
    status = await drive(child, id, (s) => phaseOf(s) === "Verifying" && (s.customStatus as DeployView).steps.some((x) => x.name === "verify-rollback" && x.status === "running"));
    expect((status.customStatus as DeployView).steps.find((x) => x.name === "verify-rollback")?.status).toBe("running");
    next = (await reply<State>(child, "state", { type: "settle", id })).next;
    await killMidStep(child, next!);

    // Run 3: finishes.
    child = await startWorker(dataDir);
    status = await drive(child, id, () => false);
    child.kill("SIGKILL");

    expect(status.runtimeStatus).toBe("Completed");
    expect((status.output as DeployView).outcome).toBe("RolledBack");
    expect(sandbox.callLog.calls({ operation: "Microsoft.ContainerRegistry/registries/scheduleRun/action" })).toHaveLength(1);
    const patches = sandbox.callLog.calls({ operation: "Microsoft.App/containerApps/write" }).filter((c) => c.path.endsWith(`/${app}`));
    expect(patches).toHaveLength(2);
    expect(sandbox.apps.getApp({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: app })?.properties.template).toMatchObject({
      containers: [{ name: "web", image: `${LOGIN_SERVER}/${REPOSITORY}@${v1}` }],
    });
  });
});
