/**
 * Scenario 1 of issue 15: the critical path on the sandbox's virtual clock. Seeded log-normal draws
 * (./draws.ts) drive build deploys one after another: per deploy, the build-completion and
 * revision-ready detection lags, ARM reads and writes, history events (deploy + its build-wait and
 * verify sub-orchestrations, last executions) and the process CPU time the deploy cost (product,
 * local runtime replays and sandbox share this process, so it bounds replay CPU from above). The same
 * draws go through two reference pollers (fixed 15 s, as the reference deploy script, and fixed 5 s).
 */
import { LOGIN_SERVER, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, type BenchWorld } from "./benchWorld.js";
import { deployOutputOf, stepOf } from "./deployOutput.js";
import { buildRequest } from "./deployRequests.js";
import { drawDeploys, fixedPoller, type DeployDraw } from "./draws.js";
import { median, percentile, printFigure, round } from "./figures.js";
import { verdict, type Results } from "./results.js";

/** What one deploy cost. */
interface PathSample {
  outcome: string;
  buildLagMs: number | undefined;
  readyLagMs: number | undefined;
  armReads: number;
  armWrites: number;
  historyEvents: number;
  cpuMs: number;
}

const SEED = 15;

async function deployOnce(world: BenchWorld, index: number, draw: DeployDraw, image: string): Promise<PathSample> {
  const app = `path-app-${index}`;
  const id = `path-deploy-${index}`;
  world.seedApp(app, image);
  world.sandbox.acr.planNextRun({ runningMs: draw.buildMs });
  const durations = { provisioning: draw.provisioningMs, activating: draw.activatingMs, healthy: draw.healthyMs };
  world.sandbox.apps.setNextRevisionBehaviour(
    { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: app },
    { kind: draw.unhealthyUntilRestarted ? "unhealthyUntilRestarted" : "slow", durations },
  );
  world.sandbox.callLog.clear();
  const cpu = process.cpuUsage();
  await world.start(buildRequest(id, app, world.clock.now(), `path-${index}`, 4 * 60 * 60));
  const status = await world.runToEnd(id);
  const used = process.cpuUsage(cpu);
  const out = deployOutputOf(status);
  const arm = world.sandbox.callLog.calls({ plane: "arm" });
  const history = (instanceId: string): number => world.runtime.engine.getHistory(instanceId)?.length ?? 0;

  const run = world.sandbox.acr.scheduledRuns()[0];
  const buildDone = stepOf(out, "build")?.finishedAt;
  const buildLagMs = run?.finishTime && buildDone ? Date.parse(buildDone) - Date.parse(run.finishTime) : undefined;

  let readyLagMs: number | undefined;
  const verifiedAt = stepOf(out, "verify")?.finishedAt;
  if (!draw.unhealthyUntilRestarted && out.outcome === "Succeeded" && out.newRevision && verifiedAt) {
    const revision = world.sandbox.apps.getRevision({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: app }, out.newRevision);
    if (revision) readyLagMs = Date.parse(verifiedAt) - (Date.parse(revision.properties.createdTime) + draw.provisioningMs + draw.activatingMs + draw.healthyMs);
  }
  return {
    outcome: out.outcome ?? status.runtimeStatus,
    buildLagMs,
    readyLagMs,
    armReads: arm.filter((call) => call.method === "GET").length,
    armWrites: arm.filter((call) => call.method !== "GET").length,
    historyEvents: history(id) + history(`${id}-build`) + history(`${id}-verify`),
    cpuMs: (used.user + used.system) / 1000,
  };
}

function defined(values: ReadonlyArray<number | undefined>): number[] {
  return values.flatMap((value) => (value === undefined ? [] : [value]));
}

/** Runs `count` drawn build deploys and prints the critical-path figures beside both reference pollers. */
export async function benchCriticalPath(world: BenchWorld, count: number, results: Results): Promise<void> {
  const v1 = await world.pushImage("v1", "path-v1");
  const image = `${LOGIN_SERVER}/${REPOSITORY}@${v1}`;
  const draws = drawDeploys(count, SEED);
  const queuedMs = world.sandbox.durations.runQueued;
  const samples: PathSample[] = [];
  const started = performance.now();
  for (const [index, draw] of draws.entries()) samples.push(await deployOnce(world, index, draw, image));
  const wallS = (performance.now() - started) / 1000;

  const outcomes = new Map<string, number>();
  for (const sample of samples) outcomes.set(sample.outcome, (outcomes.get(sample.outcome) ?? 0) + 1);
  const p95 = (values: number[]): number => (values.length > 0 ? percentile(values, 95) : Number.NaN);
  const s = (ms: number): string => `${round(ms / 1000)} s`;

  const reference = (intervalMs: number) => {
    const build = draws.map((d) => fixedPoller(queuedMs + d.buildMs, intervalMs));
    const ready = draws.filter((d) => !d.unhealthyUntilRestarted).map((d) => fixedPoller(d.provisioningMs + d.activatingMs + d.healthyMs, intervalMs));
    const readyAll = draws.map((d) => fixedPoller(d.provisioningMs + d.activatingMs + d.healthyMs, intervalMs));
    return {
      buildLagP95: p95(build.map((b) => b.lagMs)),
      readyLagP95: p95(ready.map((r) => r.lagMs)),
      // Poll reads only (the build run, then the revision); the product's figure also counts its other reads.
      pollReadsMedian: median(draws.map((_, i) => (build[i]?.polls ?? 0) + (readyAll[i]?.polls ?? 0))),
    };
  };
  const ref15 = reference(15_000);
  const ref5 = reference(5_000);
  const buildLags = defined(samples.map((x) => x.buildLagMs));
  const readyLags = defined(samples.map((x) => x.readyLagMs));
  const buildP95 = p95(buildLags);
  const readyP95 = p95(readyLags);
  const readsMedian = median(samples.map((x) => x.armReads));
  const beside = (ours: number, r15: number, r5: number): string => `15 s poller ${s(r15)}, 5 s poller ${s(r5)}; ratio to them ${(ours / r15).toFixed(2)} / ${(ours / r5).toFixed(2)}`;

  const setup = `${count} seeded build deploys (seed ${SEED}), outcomes ${[...outcomes].map(([o, n]) => `${n} ${o}`).join(", ")}; ${round(wallS)} s wall`;
  printFigure("critical path, deploys", count, "deploys", setup);
  const buildPass = buildP95 <= 5_000;
  printFigure(
    "detection lag p95, build completion (polling, no push signal)",
    buildP95 / 1000,
    "virtual s",
    `${verdict(buildPass)}: target ≤ 5 s without the push event; p50 ${s(median(buildLags))}; ${beside(buildP95, ref15.buildLagP95, ref5.buildLagP95)}`,
  );
  const readyPass = readyP95 <= 5_000;
  printFigure(
    "detection lag p95, revision ready",
    readyP95 / 1000,
    "virtual s",
    `${verdict(readyPass)}: target ≤ 5 s; p50 ${s(median(readyLags))} over ${readyLags.length} healthy deploys; ${beside(readyP95, ref15.readyLagP95, ref5.readyLagP95)}`,
  );
  const readsPass = readsMedian <= 20;
  printFigure(
    "ARM reads per deploy, median",
    readsMedian,
    "GET",
    `${verdict(readsPass)}: target ≤ 20; p95 ${p95(samples.map((x) => x.armReads))}; writes median ${median(samples.map((x) => x.armWrites))}; reference poll reads alone: 15 s poller ${ref15.pollReadsMedian}, 5 s poller ${ref5.pollReadsMedian}`,
  );
  const events = samples.map((x) => x.historyEvents);
  printFigure("history events per deploy, median", median(events), "events", `deploy + build wait + verify (last executions); max ${Math.max(...events)}`);
  const cpu = samples.map((x) => x.cpuMs);
  printFigure("CPU per deploy, median", median(cpu), "ms", `p95 ${round(p95(cpu))} ms; process CPU (user+system) of the deploy: replays, activities, runtime and sandbox together`);

  results.criticalPath = {
    deploys: count,
    seed: SEED,
    outcomes: Object.fromEntries(outcomes),
    buildCompletionLagP95S: buildP95 / 1000,
    buildCompletionLagP50S: median(buildLags) / 1000,
    buildCompletionPass: buildPass,
    revisionReadyLagP95S: readyP95 / 1000,
    revisionReadyLagP50S: median(readyLags) / 1000,
    revisionReadyPass: readyPass,
    armReadsMedian: readsMedian,
    armReadsPass: readsPass,
    armWritesMedian: median(samples.map((x) => x.armWrites)),
    historyEventsMedian: median(events),
    historyEventsMax: Math.max(...events),
    cpuMsMedian: median(cpu),
    reference15s: ref15,
    reference5s: ref5,
    pushSignal: "not measured in this run",
  };
}
