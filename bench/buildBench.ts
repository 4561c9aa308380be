/**
 * Figure 2: deploys with an ACR Tasks build of growing simulated length. The deploy waits in a
 * sub-orchestration that continues as new, so the deploy's own history should not grow with the build.
 */
import { LOGIN_SERVER, REPOSITORY, type BenchWorld } from "./benchWorld.js";
import { deployOutputOf } from "./deployOutput.js";
import { buildRequest } from "./deployRequests.js";
import { printFigure, round } from "./figures.js";
import { verdict, type Results } from "./results.js";

const RUN_READ = "Microsoft.ContainerRegistry/registries/runs/read";
/** One ACR run timeout for every length (4 h, above the longest build), so only the build length varies. */
const RUN_TIMEOUT_SECONDS = 4 * 60 * 60;

/** Runs one build deploy per length (minutes of `runRunning`) and prints its history figures. */
export async function benchBuildLengths(world: BenchWorld, minutesList: readonly number[], results: Results): Promise<void> {
  const rows: Array<Record<string, unknown>> = [];
  const v1 = await world.pushImage("v1", "bench-v1");
  const image = `${LOGIN_SERVER}/${REPOSITORY}@${v1}`;
  const originalRunning = world.sandbox.durations.runRunning;
  try {
    for (const minutes of minutesList) {
      world.sandbox.setDurations({ runRunning: minutes * 60_000 });
      const app = `bench-build-${minutes}m`;
      const id = `bench-build-${minutes}m`;
      world.seedApp(app, image);
      world.sandbox.callLog.clear();
      const started = performance.now();
      await world.start(buildRequest(id, app, world.clock.now(), `release-${minutes}m`, RUN_TIMEOUT_SECONDS));
      const status = await world.runToEnd(id, (minutes + 60) * 60_000);
      const wallMs = performance.now() - started;

      const history = (instanceId: string): number => world.runtime.engine.getHistory(instanceId)?.length ?? 0;
      const polls = world.sandbox.callLog.calls({ operation: RUN_READ, method: "GET" }).length;
      const out = deployOutputOf(status);
      const outcome = (out.outcome ?? status.runtimeStatus) + (out.outcome === "Succeeded" ? "" : ` (${out.reason ?? "no reason given"})`);
      printFigure(`build ${minutes} min, deploy history`, history(id), "events", `deploy instance; outcome ${outcome}; run timeout ${RUN_TIMEOUT_SECONDS / 3600} h; wall ${round(wallMs)} ms`);
      printFigure(`build ${minutes} min, build-wait history`, history(`${id}-build`), "events", `last execution of ${id}-build; ${polls} ACR run reads in all`);
      const total = history(id) + history(`${id}-build`) + history(`${id}-verify`);
      // A replay pays for one instance's history: the largest of the deploy, its build wait and its verify.
      const largest = Math.max(history(id), history(`${id}-build`), history(`${id}-verify`));
      printFigure(
        `build ${minutes} min, largest instance history`,
        largest,
        "events",
        `${verdict(largest <= 150)}: target ≤ 150 at any build length; sum of the three ${total}; a naive 5 s timer loop in one instance would write ${naiveLoopEvents(minutes)}`,
      );
      rows.push({ buildMinutes: minutes, deployEvents: history(id), buildWaitEvents: history(`${id}-build`), largestInstanceEvents: largest, sumOfInstances: total, runReads: polls, pass: largest <= 150, naive5sLoopEvents: naiveLoopEvents(minutes), outcome });
    }
  } finally {
    world.sandbox.setDurations({ runRunning: originalRunning });
  }
  results.historyGrowth = rows;
}

/**
 * The reference: one orchestration polling every 5 s with a durable timer and a status activity, never
 * continuing as new: per poll TimerCreated + TimerFired + TaskScheduled + TaskCompleted, plus the
 * orchestration's own start/end events (about 6).
 */
function naiveLoopEvents(buildMinutes: number): number {
  return Math.ceil((buildMinutes * 60) / 5) * 4 + 6;
}
