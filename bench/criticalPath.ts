/**
 * Scenario 1 of issue 15: the critical path on the sandbox's virtual clock. Seeded log-normal draws
 * (./draws.ts) drive build deploys one after another: per deploy, the build-completion and
 * revision-ready detection lags, ARM reads and writes, history events (deploy + its build-wait and
 * verify sub-orchestrations, last executions) and the process CPU time the deploy cost (product,
 * local runtime replays and sandbox share this process, so it bounds replay CPU from above). The same
 * draws go through two reference pollers (fixed 15 s, as the reference deploy script, and fixed 5 s).
 */
import { LOGIN_SERVER, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, WEBHOOK_SECRET, type BenchWorld } from "./benchWorld.js";
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
  /** ARM reads by RBAC operation (e.g. `Microsoft.App/containerApps/revisions/read`). */
  armReadsByOperation: Record<string, number>;
  armWrites: number;
  /** Reads of build log blobs (storage data plane, not ARM): the build wait's checks, and the build report's read. */
  logReads: number;
  historyEvents: number;
  /** The largest single instance history (deploy, build wait, verify): what one replay pays for. */
  largestHistory: number;
  cpuMs: number;
}

const SEED = 15;
const PUSH_WEBHOOK = "benchpush";

/** A way of running the same draws: with or without the registry's push webhook, and poll overrides. */
export interface PathVariant {
  label: string;
  /** Short lower-case key for app and deploy names (app names allow 32 characters). */
  key: string;
  /** The sandbox registry sends its ACR push webhook to the runtime's POST /api/webhooks/acr (the push signal). */
  push: boolean;
  /** Overrides of the deploy input's `settings` (e.g. `verifyPoll`), merged over the bench's. */
  settings?: Record<string, unknown>;
  /**
   * Deploys go round-robin to this many apps (each seeded once), so an app's later verifications
   * schedule with the timings it learned from its earlier ones; default: a fresh app per deploy.
   */
  apps?: number;
}

/** The product as configured by default: polling only. */
export const DEFAULT_VARIANT: PathVariant = { label: "default schedule, polling only", key: "poll", push: false };

async function deployOnce(world: BenchWorld, index: number, draw: DeployDraw, image: string, variant: PathVariant, key: string): Promise<PathSample> {
  const app = `${key}-app-${variant.apps !== undefined ? index % variant.apps : index}`;
  const id = `path-${key}-deploy-${index}`;
  if (variant.apps === undefined || index < variant.apps) world.seedApp(app, image);
  world.sandbox.acr.planNextRun({ runningMs: draw.buildMs });
  const durations = { provisioning: draw.provisioningMs, activating: draw.activatingMs, healthy: draw.healthyMs };
  world.sandbox.apps.setNextRevisionBehaviour(
    { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: app },
    { kind: draw.unhealthyUntilRestarted ? "unhealthyUntilRestarted" : "slow", durations },
  );
  world.sandbox.callLog.clear();
  const cpu = process.cpuUsage();
  const request = buildRequest(id, app, world.clock.now(), `path-${key}-${index}`, 4 * 60 * 60);
  const settings = typeof request.settings === "object" && request.settings !== null ? request.settings : {};
  await world.start({ ...request, settings: { ...settings, ...variant.settings } });
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
    armReadsByOperation: countBy(arm.filter((call) => call.method === "GET").map((call) => call.operation)),
    armWrites: arm.filter((call) => call.method !== "GET").length,
    logReads: world.sandbox.callLog.calls({ plane: "data" }).filter((call) => call.path.includes("/acr-logs/")).length,
    historyEvents: history(id) + history(`${id}-build`) + history(`${id}-verify`),
    largestHistory: Math.max(history(id), history(`${id}-build`), history(`${id}-verify`)),
    cpuMs: (used.user + used.system) / 1000,
  };
}

function countBy(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

function defined(values: ReadonlyArray<number | undefined>): number[] {
  return values.flatMap((value) => (value === undefined ? [] : [value]));
}

/** Runs `count` drawn build deploys and prints the critical-path figures beside both reference pollers. */
export async function benchCriticalPath(world: BenchWorld, count: number, results: Results, variant: PathVariant = DEFAULT_VARIANT): Promise<void> {
  const key = variant.key;
  const v1 = await world.pushImage("v1", "path-v1");
  const image = `${LOGIN_SERVER}/${REPOSITORY}@${v1}`;
  const draws = drawDeploys(count, SEED);
  const queuedMs = world.sandbox.durations.runQueued;
  const registry = world.sandbox.acr.registries()[0];
  if (!registry) throw new Error("the bench world has no registry");
  const webhook = (status: "enabled" | "disabled"): void => {
    world.sandbox.acr.putWebhook(registry, PUSH_WEBHOOK, {
      location: registry.location,
      properties: { serviceUri: `${world.runtime.url}/api/webhooks/acr`, customHeaders: { "x-aca-rollout-secret": WEBHOOK_SECRET }, actions: ["push"], status, scope: "" },
    });
  };
  if (variant.push) webhook("enabled");
  const samples: PathSample[] = [];
  const started = performance.now();
  try {
    for (const [index, draw] of draws.entries()) samples.push(await deployOnce(world, index, draw, image, variant, key));
  } finally {
    if (variant.push) webhook("disabled");
  }
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

  const setup = `${variant.label}: ${count} seeded build deploys (seed ${SEED}), outcomes ${[...outcomes].map(([o, n]) => `${n} ${o}`).join(", ")}; ${round(wallS)} s wall`;
  printFigure(`[${variant.label}] critical path`, count, "deploys", setup);
  const buildTargetMs = variant.push ? 2_000 : 5_000;
  const buildPass = buildP95 <= buildTargetMs;
  printFigure(
    `[${variant.label}] detection lag p95, build completion`,
    buildP95 / 1000,
    "virtual s",
    `${verdict(buildPass)}: target ≤ ${buildTargetMs / 1000} s ${variant.push ? "with" : "without"} the push event; p50 ${s(median(buildLags))}; ${beside(buildP95, ref15.buildLagP95, ref5.buildLagP95)}`,
  );
  const readyPass = readyP95 <= 5_000;
  printFigure(
    `[${variant.label}] detection lag p95, revision ready`,
    readyP95 / 1000,
    "virtual s",
    `${verdict(readyPass)}: target ≤ 5 s; p50 ${s(median(readyLags))} over ${readyLags.length} healthy deploys; ${beside(readyP95, ref15.readyLagP95, ref5.readyLagP95)}`,
  );
  const readsPass = readsMedian <= 20;
  printFigure(
    `[${variant.label}] ARM reads per deploy, median`,
    readsMedian,
    "GET",
    `${verdict(readsPass)}: target ≤ 20; p95 ${p95(samples.map((x) => x.armReads))}; writes median ${median(samples.map((x) => x.armWrites))}; build log blob reads median ${median(samples.map((x) => x.logReads))} (storage, not ARM); reference poll reads alone: 15 s poller ${ref15.pollReadsMedian}, 5 s poller ${ref5.pollReadsMedian}`,
  );
  const operations = [...new Set(samples.flatMap((x) => Object.keys(x.armReadsByOperation)))].sort();
  const readsByOperation = Object.fromEntries(operations.map((op) => [op, median(samples.map((x) => x.armReadsByOperation[op] ?? 0))]));
  printFigure(
    `[${variant.label}] ARM reads per deploy by operation, median`,
    operations.length,
    "operations",
    operations.map((op) => `${op.replace(/^Microsoft\./, "")} ${readsByOperation[op]}`).join("; "),
  );
  const events = samples.map((x) => x.historyEvents);
  const largest = Math.max(...samples.map((x) => x.largestHistory));
  const eventsPass = largest <= 150;
  printFigure(
    `[${variant.label}] history events per deploy, median`,
    median(events),
    "events",
    `deploy + build wait + verify (last executions), max ${Math.max(...events)}; largest single instance ${largest} (${verdict(eventsPass)}: target ≤ 150)`,
  );
  const cpu = samples.map((x) => x.cpuMs);
  printFigure(`[${variant.label}] CPU per deploy, median`, median(cpu), "ms", `p95 ${round(p95(cpu))} ms; process CPU (user+system) of the deploy: replays, activities, runtime and sandbox together`);

  const section = (results.criticalPath ??= {}) as Record<string, unknown>;
  section[variant.label] = {
    deploys: count,
    wallSeconds: wallS,
    settings: variant.settings ?? "defaults",
    apps: variant.apps ?? count,
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
    armReadsByOperationMedian: readsByOperation,
    armWritesMedian: median(samples.map((x) => x.armWrites)),
    buildLogReadsMedian: median(samples.map((x) => x.logReads)),
    historyEventsMedian: median(events),
    historyEventsMax: Math.max(...events),
    largestInstanceHistory: largest,
    historyEventsPass: eventsPass,
    cpuMsMedian: median(cpu),
    reference15s: ref15,
    reference5s: ref5,
  };
}
