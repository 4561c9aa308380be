import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { VERIFY_STAGE_SPACING } from "../../src/domain/pollProfile.js";
import { EventType, type HistoryEvent } from "../../src/local/engine/history.js";
import { durableInvoker } from "../../src/local/engine/invocation.js";
import { AZURE_STORAGE_TIMER_LIMITS, buildOrchestrationBinding, invokeOrchestrator } from "../../src/local/engine/orchestratorInvoker.js";
import type { CallRecord } from "../../src/sandbox/kernel/callLog.js";
import { appRef, LOGIN_SERVER, REPOSITORY, outputOf, stepStatus, type DeployView, type DeployWorld, useDeployWorld } from "./world.js";

const REVISION_READ = "Microsoft.App/containerApps/revisions/read";
const APP_READ = "Microsoft.App/containerApps/read";
const APP_WRITE = "Microsoft.App/containerApps/write";

/** The verifyPoll default before stage-aware polling (fe8ab7e): what a deploy started then has stored. */
const OLD_VERIFY_POLL = { initialSeconds: 5, factor: 2, maxSeconds: 30 };

let world: DeployWorld;
useDeployWorld((started) => (world = started));

/** The ARM reads made after the PATCH that created the revision: the verification's. */
function verifyReads(): { revision: CallRecord[]; app: CallRecord[] } {
  const patch = world.sandbox.callLog.calls({ operation: APP_WRITE, method: "PATCH" }).at(-1);
  if (!patch) throw new Error("no PATCH was sent");
  const after = world.sandbox.callLog.calls({ plane: "arm", method: "GET", afterSeq: patch.seq });
  return { revision: after.filter((c) => c.operation === REVISION_READ), app: after.filter((c) => c.operation === APP_READ) };
}

/** Virtual ms between the moment the sandbox made the new revision ready and the verify step's end. */
function readyLagMs(app: string, out: DeployView, readyAfterMs: number, step = "verify"): number {
  const revision = world.revisions(app).find((r) => r.name === out.newRevision) as { createdTime?: string } | undefined;
  const finished = out.steps.find((s) => s.name === step)?.finishedAt;
  if (!revision?.createdTime || !finished) throw new Error("no revision or verify step");
  return Date.parse(finished) - (Date.parse(revision.createdTime) + readyAfterMs);
}

/** Revision durations on the virtual clock (ms). */
type Durations = { provisioning: number; activating: number; healthy: number };

/**
 * Deploys a new image to `appName` whose revision follows `durations` (and `healthProbes`); checks it
 * Succeeded; returns its output, its ready lag and the verification's ARM reads.
 */
async function deploySlowRevision(appName: string, durations: Durations, healthProbes = true): Promise<{ out: DeployView; lagMs: number; reads: ReturnType<typeof verifyReads> }> {
  await world.pushImage("v2");
  world.sandbox.apps.setNextRevisionBehaviour(appRef(appName), { kind: "slow", durations, ...(healthProbes ? {} : { healthProbes: false }) });
  world.sandbox.callLog.clear();
  const out = outputOf(await world.runToEnd(await world.start(world.request(appName))));
  expect(out.outcome).toBe("Succeeded");
  return { out, lagMs: readyLagMs(appName, out, durations.provisioning + durations.activating + durations.healthy), reads: verifyReads() };
}

/**
 * The deploy's history as the orchestrator yielded it: each scheduled step with what it names (an
 * activity, a sub-orchestration, an entity operation the deploy waited for, a timer).
 */
function scheduledSteps(history: readonly HistoryEvent[]): string[] {
  const steps: string[] = [];
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled || event.EventType === EventType.SubOrchestrationInstanceCreated) steps.push(event.Name ?? "?");
    else if (event.EventType === EventType.TimerCreated) steps.push("timer");
    else if (event.EventType === EventType.EventSent) {
      const message = JSON.parse(event.Input ?? "{}") as { op?: string; signal?: boolean };
      steps.push(`${message.signal === true ? "signal" : "entity"}:${message.op ?? event.Name ?? "?"}`);
    }
  }
  return steps;
}

describe("verification polls by the revision's stage", () => {
  it("sees a slow revision ready within the dense spacing, one ARM read per poll, the app read only to confirm", async () => {
    const app = await world.seedApp("web-slow-verify");
    const { lagMs: lag, reads } = await deploySlowRevision(app.name, { provisioning: 45_000, activating: 10_000, healthy: 20_000 });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThanOrEqual(VERIFY_STAGE_SPACING.denseSeconds * 1000);
    // Once, when the revision looked ready: not on every poll.
    expect(reads.app).toHaveLength(1);
    // Sparse while provisioning (12 s), dense (4 s) after: 12, 24, 36, 48 | 52 | 56 ... 76. The old
    // 5 s doubling schedule read both resources at 0, 5, 15, 35, 65, 95 s: 12 reads, seen 20 s late.
    expect(reads.revision.length).toBeLessThanOrEqual(11);
    expect(reads.revision.length + reads.app.length).toBeLessThanOrEqual(12);
  });

  it("sees a revision without health probes ready as soon as its replicas run", async () => {
    const app = await world.seedApp("web-noprobe-verify");
    const { lagMs: lag } = await deploySlowRevision(app.name, { provisioning: 30_000, activating: 10_000, healthy: 0 }, false);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThanOrEqual(VERIFY_STAGE_SPACING.denseSeconds * 1000);
  });

  it("restarts an unhealthy revision and sees it ready after the restart within the dense spacing", async () => {
    const app = await world.seedApp("web-restart-verify");
    await world.pushImage("v2");
    world.sandbox.apps.setNextRevisionBehaviour(appRef(app.name), { kind: "unhealthyUntilRestarted" });
    const id = await world.start(world.request(app.name));
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("Succeeded");
    expect(stepStatus(out, "verify")).toBe("failed");
    expect(stepStatus(out, "verify-after-restart")).toBe("succeeded");
    const restarted = out.steps.find((s) => s.name === "restart")?.finishedAt;
    const verified = out.steps.find((s) => s.name === "verify-after-restart")?.finishedAt;
    // The restart begins a new activation cycle: activating 10 s + healthy 10 s (the world's durations).
    expect(Date.parse(verified!) - (Date.parse(restarted!) + 20_000)).toBeLessThanOrEqual(VERIFY_STAGE_SPACING.denseSeconds * 1000);
  });

  it("keeps the history of a deploy started before stage-aware polling: no read of the app's record between its PATCH and its verification", async () => {
    // A deploy started by an older version is replayed from its stored input, where zod filled
    // verifyPoll with that version's default (below, as ecc7af0 had it: no `stages`); its history has the
    // verify sub-orchestration right after the PATCH. An extra yield there would be handed that
    // sub-orchestration's completion on replay.
    const app = await world.seedApp("web-old-input-verify");
    await world.pushImage("v2");
    const request = world.request(app.name);
    const id = await world.start({ ...request, settings: { ...request.settings, verifyPoll: OLD_VERIFY_POLL } });
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("Succeeded");
    const steps = scheduledSteps(world.runtime.engine.getHistory(id) ?? []);
    const patch = steps.indexOf("updateContainerApp");
    const verify = steps.indexOf("verifyRevision");
    expect(patch).toBeGreaterThan(0);
    expect(verify).toBeGreaterThan(patch);
    expect(steps.slice(patch + 1, verify)).toEqual([]);
  });

  it("replays a deploy the version before stage-aware polling recorded (ecc7af0) to the outcome it recorded", async () => {
    // Its history, cut before its last episode: the deploy's own orchestrator replays it through the
    // worker as the host would after an upgrade, and gets the release's answer as the new event.
    const fixture = resolve(import.meta.dirname, "fixtures/deployHistory-ecc7af0.json");
    const { history } = JSON.parse(readFileSync(fixture, "utf8")) as { history: HistoryEvent[] };
    const last = history.findLastIndex((e) => e.EventType === EventType.OrchestratorStarted);
    const started = history.find((e) => e.EventType === EventType.ExecutionStarted);
    const completed = history.find((e) => e.EventType === EventType.ExecutionCompleted);
    const deploy = world.runtime.registry.orchestration("deploy");
    if (!started || !completed || !deploy) throw new Error("fixture or deploy orchestrator missing");
    const binding = buildOrchestrationBinding({
      instanceId: "dep-old-replay",
      parentInstanceId: undefined,
      pastEvents: history.slice(0, last),
      newEvents: history.slice(last).filter((e) => e.EventType === EventType.OrchestratorStarted || e.EventType === EventType.EventRaised),
      input: started.Input,
      timerLimits: AZURE_STORAGE_TIMER_LIMITS,
    });
    const invoke = durableInvoker(world.runtime.registry, { log: () => {} });
    const reply = await invokeOrchestrator((trigger) => invoke(deploy, trigger), binding);

    expect(reply.error).toBeUndefined();
    expect(reply.isDone).toBe(true);
    expect(reply.output).toEqual(JSON.parse(completed.Result ?? "null"));
  });

  it("continues a verification started before stage-aware polling as new after as many polls as it did then, its operation reads not counted", async () => {
    /** The write operation and target the deploy's verification was given. */
    const verifyInputOf = (deployId: string): { writeOperation?: string; target?: unknown } => {
      const created = (world.runtime.engine.getHistory(deployId) ?? []).find((e) => e.EventType === EventType.SubOrchestrationInstanceCreated);
      return JSON.parse(created?.Input ?? "{}") as { writeOperation?: string; target?: unknown };
    };
    // A write that succeeded (its operation says so), and an app whose write Azure could not provision (Failed, no revision).
    const done = await world.seedApp("web-old-verify-done");
    await world.pushImage("v2");
    const doneId = await world.start(world.request(done.name));
    expect(outputOf(await world.runToEnd(doneId)).outcome).toBe("Succeeded");
    const { writeOperation } = verifyInputOf(doneId);
    const failed = await world.seedApp("web-old-verify-count");
    const failedId = await world.start(world.request(failed.name, { image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, digest: `sha256:${"e".repeat(64)}` } }));
    expect(outputOf(await world.runToEnd(failedId)).outcome).toBe("Failed");
    expect(writeOperation).toBeDefined();
    // The input as the version before stage-aware polling passed it (no revisionsMode, no stages): each poll
    // reads the revision (missing) with the app (Failed), then the operation (not failed), two activities.
    const id = await world.runtime.engine.startNew("verifyRevision", {
      instanceId: `${failedId}-old-verify`,
      input: {
        target: verifyInputOf(failedId).target,
        revisionName: `${failed.name}--never-created`,
        expectedTraffic: 100,
        minReplicas: 1,
        warmupGraceSeconds: 60,
        mustBeLatest: true,
        deadline: new Date(world.clock.now() + 3_600_000).toISOString(),
        poll: OLD_VERIFY_POLL,
        maxPollsPerExecution: 3,
        attempt: 0,
        writeOperation,
        retry: { maxAttempts: 1, firstIntervalSeconds: 1, backoffCoefficient: 1, maxIntervalSeconds: 1 },
      },
    });
    const ended = await world.runToEnd(id);
    // Three missing reads fail it; counted as then (3 polls per execution), all three are in its first execution.
    expect(ended.output).toMatchObject({ ok: false, failure: { code: "RevisionNotFound" } });
    expect(ended.input).toMatchObject({ attempt: 0 });
    const reads = (world.runtime.engine.getHistory(id) ?? []).filter((e) => e.EventType === EventType.TaskScheduled && e.Name === "readRevision");
    expect(reads).toHaveLength(3);
  });

  it("learns the app's timings from its past verifications: later deploys of a slow app read far less, still seen ready within the dense spacing", async () => {
    const app = await world.seedApp("web-learning-verify");
    const durations = { provisioning: 45_000, activating: 10_000, healthy: 20_000 };
    const readsPerDeploy: number[] = [];
    for (let deploy = 0; deploy < 4; deploy++) {
      const { lagMs: lag, reads } = await deploySlowRevision(app.name, durations);
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThanOrEqual(VERIFY_STAGE_SPACING.denseSeconds * 1000);
      readsPerDeploy.push(reads.revision.length + reads.app.length);
    }
    // Two deploys measure (provisioning at least 36 s, provisioned to ready at least 24 s); then the
    // first read waits until the revision can first be ready: 4 revision reads and 1 app read, not 12.
    expect(readsPerDeploy.slice(0, 2)).toEqual([12, 12]);
    expect(readsPerDeploy.slice(2).every((n) => n <= 6)).toBe(true);
  });

  it("falls back to the unlearned schedule when a revision is ready before the learned floors said it could be", async () => {
    const app = await world.seedApp("web-faster-verify");
    const slow = { provisioning: 45_000, activating: 10_000, healthy: 20_000 };
    for (let deploy = 0; deploy < 2; deploy++) await deploySlowRevision(app.name, slow);
    const fast = { provisioning: 10_000, activating: 10_000, healthy: 5_000 };
    const lags: number[] = [];
    for (let deploy = 0; deploy < 2; deploy++) lags.push((await deploySlowRevision(app.name, fast)).lagMs);
    // The first fast revision is seen late (the floors promised 60 s); it resets them, so the next is on time.
    expect(lags[0]).toBeGreaterThan(VERIFY_STAGE_SPACING.denseSeconds * 1000);
    expect(lags[1]).toBeLessThanOrEqual(VERIFY_STAGE_SPACING.denseSeconds * 1000);
  });
});
