import { describe, expect, it } from "vitest";
import type { InstanceStatus } from "../../src/local/engine/api.js";
import { APP_BUSY_CODES } from "../../src/domain/appBusyCodes.js";
import { CANCEL_EVENT } from "../../src/orchestrations/names.js";
import { RESOURCE_GROUP, outputOf, stepStatus, type DeployView, type DeployWorld, useDeployWorld, appRef } from "./world.js";

let world: DeployWorld;
useDeployWorld((started) => (world = started), { clearFaultsAfterEach: true });

const APP_WRITE = "Microsoft.App/containerApps/write";
const REVISION_READ = "Microsoft.App/containerApps/revisions/read";
const RESTART = "Microsoft.App/containerApps/revisions/restart/action";
const RUN_READ = "Microsoft.ContainerRegistry/registries/runs/read";
const BUSY = { operation: APP_WRITE, status: 409, code: "ContainerAppOperationInProgress", message: "Another operation is in progress." } as const;

const view = (s: InstanceStatus): DeployView | undefined => s.customStatus as DeployView | undefined;
const phase = (s: InstanceStatus): string | undefined => view(s)?.phase;
const running = (step: string) => (s: InstanceStatus) => view(s)?.steps.find((x) => x.name === step)?.status === "running";
const APP_WRITES = (app: string) => world.sandbox.callLog.calls().filter((c) => c.method !== "GET" && c.operation.startsWith("Microsoft.App/") && c.path.includes(`/${app}`));
async function cancel(id: string): Promise<void> {
  await world.runtime.engine.raiseEvent(id, CANCEL_EVENT, { requestedBy: "test" });
}

/** Lets ten virtual minutes pass, then returns the calls made meanwhile that match `operation`. */
async function callsDuringTenMinutes(operation: string): Promise<number> {
  const after = Math.max(0, ...world.sandbox.callLog.calls().map((c) => c.seq));
  await world.clock.advance(10 * 60_000, world.settle);
  return world.sandbox.callLog.calls({ operation, afterSeq: after }).length;
}

describe("cancel", () => {
  it("cancels during the build: the ACR run is canceled, the wait stopped and the Container App not touched", async () => {
    const app = await world.seedApp("web-cancel-build");
    const request = world.request(app.name, {
      build: { registry: { resourceGroup: RESOURCE_GROUP }, source: { kind: "git", url: "https://github.com/contoso/web.git" } },
    });
    const id = await world.start(request);
    const building = await world.runToEnd(id, { until: (s) => phase(s) === "Building" && view(s)?.runId !== undefined });
    const runId = view(building)!.runId!;
    await world.clock.advance(10_000, world.settle);

    await cancel(id);
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("Canceled");
    expect(out.reason).toContain(`ACR run ${runId} canceled`);
    expect(stepStatus(out, "build")).toBe("canceled");
    expect(stepStatus(out, "deploy")).toBe("skipped");
    expect(world.sandbox.acr.scheduledRun(runId)?.status).toBe("Canceled");
    expect(APP_WRITES(app.name)).toEqual([]);
    // The build wait was stopped with the deploy: it polls no more.
    expect((await world.runtime.engine.getStatus(`${id}-build`))?.runtimeStatus).toBe("Terminated");
    expect(await callsDuringTenMinutes(RUN_READ)).toBe(0);
  });

  it("cancels during verification: the step is canceled, its wait stopped, and the last known good restored", async () => {
    const app = await world.seedApp("web-cancel-verify");
    await world.pushImage("v2");
    const id = await world.start(world.request(app.name));
    await world.runToEnd(id, { until: (s) => phase(s) === "Verifying" });
    expect(world.app(app.name).template.containers[0]!.image).not.toBe(app.image);

    await cancel(id);
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("Canceled");
    expect(out.reason).toMatch(/canceled by request during verify; restored/);
    expect(out.quarantinedDigest).toBeUndefined();
    expect(stepStatus(out, "verify")).toBe("canceled");
    expect(stepStatus(out, "rollback")).toBe("succeeded");
    expect(stepStatus(out, "verify-rollback")).toBe("succeeded");
    expect(stepStatus(out, "quarantine")).toBe("skipped");
    const live = world.app(app.name);
    expect(live.template.containers[0]!.image).toBe(app.image);
    expect(world.revisions(app.name).find((r) => r.name === live.latestReadyRevisionName)?.template.containers[0]?.image).toBe(app.image);
    // The verification of the new revision was stopped, not left polling until its own deadline.
    expect((await world.runtime.engine.getStatus(`${id}-verify`))?.runtimeStatus).toBe("Terminated");
    expect(await callsDuringTenMinutes(REVISION_READ)).toBe(0);
  });

  for (const [index, code] of APP_BUSY_CODES.entries()) {
    it(`cancels while the PATCH waits for a busy app (${code}): nothing is written and no further attempt goes out`, async () => {
      const app = await world.seedApp(`web-cancel-busy-${index}`);
      await world.pushImage("v2");
      world.sandbox.faults.inject({ ...BUSY, code, times: "always" });
      const id = await world.start(world.request(app.name));
      await world.runToEnd(id, { until: (s) => phase(s) === "Deploying" });
      expect(world.sandbox.callLog.calls({ operation: APP_WRITE, status: 409, pathContains: app.name })).toHaveLength(1);

      await cancel(id);
      const out = outputOf(await world.runToEnd(id));

      expect(out.outcome).toBe("Canceled");
      expect(out.reason).toContain("during deploy");
      expect(stepStatus(out, "deploy")).toBe("canceled");
      expect(stepStatus(out, "verify")).toBe("skipped");
      expect(world.sandbox.callLog.calls({ operation: APP_WRITE, pathContains: app.name })).toHaveLength(1);
      expect(world.app(app.name).template.containers[0]!.image).toBe(app.image);
    });
  }

  it("cancels during the restart: the restart is not abandoned, then the deploy stops and restores the last known good", async () => {
    const app = await world.seedApp("web-cancel-restart");
    const bad = await world.pushImage("v2");
    world.sandbox.apps.setImageBehaviour(bad, { kind: "neverHealthy" });
    // The first restart attempt fails every SDK try, so the restart is still under way (durable retry) when the cancel comes.
    world.sandbox.faults.inject({ operation: RESTART, status: 503, times: 4 });
    const id = await world.start(world.request(app.name));
    await world.runToEnd(id, { until: (s) => phase(s) === "Restarting" });

    await cancel(id);
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("Canceled");
    expect(out.reason).toContain("canceled by request during restart");
    expect(stepStatus(out, "verify")).toBe("failed");
    expect(stepStatus(out, "restart")).toBe("canceled");
    expect(stepStatus(out, "verify-after-restart")).toBe("skipped");
    expect(stepStatus(out, "rollback")).toBe("succeeded");
    expect(stepStatus(out, "quarantine")).toBe("skipped");
    expect(world.app(app.name).template.containers[0]!.image).toBe(app.image);
  });

  it("cancels during the verification after a restart: that step is canceled and its wait stopped", async () => {
    const app = await world.seedApp("web-cancel-reverify");
    const bad = await world.pushImage("v2");
    world.sandbox.apps.setImageBehaviour(bad, { kind: "neverHealthy" });
    const id = await world.start(world.request(app.name));
    await world.runToEnd(id, { until: running("verify-after-restart") });

    await cancel(id);
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("Canceled");
    expect(out.reason).toContain("canceled by request during verify-after-restart");
    expect(stepStatus(out, "restart")).toBe("succeeded");
    expect(stepStatus(out, "verify-after-restart")).toBe("canceled");
    expect(stepStatus(out, "rollback")).toBe("succeeded");
    expect(world.app(app.name).template.containers[0]!.image).toBe(app.image);
    expect((await world.runtime.engine.getStatus(`${id}-verify-restart`))?.runtimeStatus).toBe("Terminated");
    expect(await callsDuringTenMinutes(REVISION_READ)).toBe(0);
  });

  it("cancels during the rollback: the rollback is finished, and the deploy ends Canceled, saying so", async () => {
    const app = await world.seedApp("web-cancel-rollback");
    const bad = await world.pushImage("v2");
    world.sandbox.apps.setImageBehaviour(bad, { kind: "neverHealthy" });
    const id = await world.start(world.request(app.name, { policy: { onFailure: "rollback", verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 } }));
    await world.runToEnd(id, { until: (s) => phase(s) === "Verifying" });
    // The rollback's PATCH finds the app busy once, so the rollback waits when the cancel comes.
    world.sandbox.faults.inject({ ...BUSY, times: 1 });
    await world.runToEnd(id, { until: (s) => phase(s) === "RollingBack" });

    await cancel(id);
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("Canceled");
    expect(out.reason).toContain("canceled by request during the rollback, which was finished");
    expect(stepStatus(out, "rollback")).toBe("succeeded");
    expect(stepStatus(out, "verify-rollback")).toBe("succeeded");
    expect(out.quarantinedDigest).toBe(bad);
    const live = world.app(app.name);
    expect(live.template.containers[0]!.image).toBe(app.image);
    expect(world.revisions(app.name).find((r) => r.name === live.latestReadyRevisionName)?.trafficWeight).toBe(100);
  });

  it("cancels a queued deploy without touching the app, and the app is handed on", async () => {
    const app = await world.seedApp("web-cancel-queued");
    await world.pushImage("v2");
    const first = await world.start(world.request(app.name));
    await world.settle();
    const second = await world.start(world.request(app.name));
    const third = await world.start(world.request(app.name));
    await world.settle();
    expect(phase((await world.runtime.engine.getStatus(third))!)).toBe("Queued");

    await cancel(third);
    const canceled = outputOf(await world.runToEnd(third));
    expect(canceled.outcome).toBe("Canceled");
    expect(stepStatus(canceled, "inspect")).toBe("skipped");

    // With the newest waiter gone, the second runs after the first instead of being superseded.
    expect(outputOf(await world.runToEnd(first)).outcome).toBe("Succeeded");
    expect(outputOf(await world.runToEnd(second)).outcome).toBe("Succeeded");
    expect(APP_WRITES(app.name).filter((c) => c.operation === APP_WRITE)).toHaveLength(2);
  });
});

describe("polls of the waits", () => {
  it("never go out back to back when a wait continues as new", async () => {
    const app = await world.seedApp("web-poll-spacing");
    const slow = await world.pushImage("v2");
    world.sandbox.apps.setNextRevisionBehaviour(appRef(app.name), { kind: "slow", durations: { healthy: 150_000 } });
    world.sandbox.callLog.clear();
    const id = await world.start(
      world.request(app.name, {
        image: { loginServer: "e2eacr.azurecr.io", repository: "team/web", digest: slow },
        settings: { activityRetry: { maxAttempts: 3, firstIntervalSeconds: 5, backoffCoefficient: 2, maxIntervalSeconds: 30 }, maxPollsPerExecution: 2 },
      }),
    );
    const out = outputOf(await world.runToEnd(id));
    expect(out.outcome).toBe("Succeeded");

    const patched = world.sandbox.callLog.calls({ operation: APP_WRITE })[0]!.seq;
    const reads = world.sandbox.callLog.calls({ operation: REVISION_READ, pathContains: out.newRevision!, afterSeq: patched });
    // Several executions (2 polls each) ran, and every poll came a full interval after the one before.
    expect(reads.length).toBeGreaterThan(4);
    const times = reads.map((c) => Date.parse(c.time));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `poll ${i}`).toBeGreaterThanOrEqual(1000);
  });

  it("never go out back to back when the build wait continues as new", async () => {
    const app = await world.seedApp("web-build-poll-spacing");
    world.sandbox.callLog.clear();
    const id = await world.start(
      world.request(app.name, {
        build: { registry: { resourceGroup: RESOURCE_GROUP }, source: { kind: "git", url: "https://github.com/contoso/web.git" } },
        settings: { activityRetry: { maxAttempts: 3, firstIntervalSeconds: 5, backoffCoefficient: 2, maxIntervalSeconds: 30 }, maxPollsPerExecution: 2 },
      }),
    );
    const out = outputOf(await world.runToEnd(id));
    expect(out.outcome).toBe("Succeeded");

    // The wait polls the run's log blob, and reads the run through ARM once the log says it is final
    // (the build report then reads the log too: not a poll).
    const runReads = world.sandbox.callLog.calls({ operation: RUN_READ, pathContains: out.runId! });
    const confirmed = runReads.at(-1)!.seq;
    const checks = world.sandbox.callLog.calls({ plane: "data", method: "HEAD", pathContains: `/logs/${out.runId!}/` }).filter((c) => c.seq < confirmed);
    expect(checks.length).toBeGreaterThan(2);
    for (const polls of [checks, runReads]) {
      const times = polls.map((c) => Date.parse(c.time));
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `poll ${i}`).toBeGreaterThanOrEqual(1000);
    }
  });
});
