/**
 * Figure 1: sequential no-build deploys end to end (runtime + sandbox on the virtual clock), each to
 * its own freshly seeded app: wall time, how late the verify step notices the revision is ready,
 * ARM reads, and history events.
 */
import { LOGIN_SERVER, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, type BenchWorld } from "./benchWorld.js";
import { countOutcomes, deployOutputOf, stepOf } from "./deployOutput.js";
import { noBuildRequest } from "./deployRequests.js";
import { median, percentile, printFigure, round } from "./figures.js";

/** What one deploy cost. */
interface DeploySample {
  outcome: string;
  wallMs: number;
  virtualMs: number;
  /** Verify step end minus the moment the sandbox made the revision Healthy and ready; undefined if not computable. */
  detectionLagMs: number | undefined;
  armReads: number;
  armWrites: number;
  deployEvents: number;
  verifyEvents: number;
}

async function deployOnce(world: BenchWorld, deploymentId: string, app: string, image: string): Promise<DeploySample> {
  world.seedApp(app, image);
  world.sandbox.callLog.clear();
  const virtualStart = world.clock.now();
  const started = performance.now();
  await world.start(noBuildRequest(deploymentId, app, virtualStart, "v2"));
  const status = await world.runToEnd(deploymentId);
  const wallMs = performance.now() - started;

  const out = deployOutputOf(status);
  const arm = world.sandbox.callLog.calls({ plane: "arm" });
  const history = (id: string): number => world.runtime.engine.getHistory(id)?.length ?? 0;
  return {
    outcome: out.outcome ?? status.runtimeStatus,
    wallMs,
    virtualMs: world.clock.now() - virtualStart,
    detectionLagMs: detectionLag(world, app, out),
    armReads: arm.filter((call) => call.method === "GET").length,
    armWrites: arm.filter((call) => call.method !== "GET").length,
    deployEvents: history(deploymentId),
    verifyEvents: history(`${deploymentId}-verify`),
  };
}

/**
 * The sandbox makes a fresh, active revision ready at createdTime + provisioning + activating +
 * healthy (revisionLifecycle.ts). Only meaningful for a deploy that verified without a restart.
 */
function detectionLag(world: BenchWorld, app: string, out: ReturnType<typeof deployOutputOf>): number | undefined {
  const verifiedAt = stepOf(out, "verify")?.finishedAt;
  if (out.outcome !== "Succeeded" || !out.newRevision || !verifiedAt || stepOf(out, "restart")?.status !== "skipped") return undefined;
  const revision = world.sandbox.apps.getRevision({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: app }, out.newRevision);
  if (!revision) return undefined;
  const { revisionProvisioning, revisionActivating, revisionHealthy } = world.sandbox.durations;
  const readyAt = Date.parse(revision.properties.createdTime) + revisionProvisioning + revisionActivating + revisionHealthy;
  return Date.parse(verifiedAt) - readyAt;
}

/** Runs one unmeasured warm-up deploy, then `count` measured ones, and prints the figures. */
export async function benchDeploys(world: BenchWorld, count: number): Promise<void> {
  const v1 = await world.pushImage("v1", "bench-v1");
  await world.pushImage("v2", "bench-v2");
  const image = `${LOGIN_SERVER}/${REPOSITORY}@${v1}`;

  const warmUp = await deployOnce(world, "bench-warmup", "bench-app-warmup", image);
  const samples: DeploySample[] = [];
  for (let i = 0; i < count; i++) samples.push(await deployOnce(world, `bench-deploy-${i}`, `bench-app-${i}`, image));

  const wall = samples.map((s) => s.wallMs);
  const outcomes = countOutcomes(samples.map((s) => s.outcome));
  const d = world.sandbox.durations;
  const setup = `N=${count} sequential no-build deploys, ${world.registryBackend} registry, nearest-rank`;
  printFigure("deploy wall p50", percentile(wall, 50), "ms/deploy", `${setup}; outcomes ${outcomes}; warm-up deploy ${round(warmUp.wallMs)} ms not counted`);
  printFigure("deploy wall p95", percentile(wall, 95), "ms/deploy", `min ${round(Math.min(...wall))} ms, max ${round(Math.max(...wall))} ms`);
  printFigure("deploy virtual duration p50", median(samples.map((s) => s.virtualMs)) / 1000, "virtual s/deploy", "start to finish on the virtual clock");

  const lags = samples.flatMap((s) => (s.detectionLagMs === undefined ? [] : [s.detectionLagMs]));
  if (lags.length > 0) {
    printFigure(
      "deploy detection lag p50",
      median(lags) / 1000,
      "virtual s",
      `verify step end minus revision ready (createdTime + provisioning ${d.revisionProvisioning / 1000} s + activating ${d.revisionActivating / 1000} s + healthy ${d.revisionHealthy / 1000} s); ` +
        `min ${round(Math.min(...lags) / 1000)} s, max ${round(Math.max(...lags) / 1000)} s over ${lags.length} deploys`,
    );
  } else {
    printFigure("deploy detection lag p50", "n/a", "", "no deploy verified its revision without a restart");
  }

  const reads = samples.map((s) => s.armReads);
  printFigure("deploy ARM reads", median(reads), "GET/deploy", `median; min ${Math.min(...reads)}, max ${Math.max(...reads)}; ARM writes median ${median(samples.map((s) => s.armWrites))}`);
  const events = samples.map((s) => s.deployEvents + s.verifyEvents);
  printFigure(
    "deploy history events",
    median(events),
    "events/deploy",
    `median; deploy ${median(samples.map((s) => s.deployEvents))} + verify (last execution) ${median(samples.map((s) => s.verifyEvents))}; min ${Math.min(...events)}, max ${Math.max(...events)}`,
  );
}
