/**
 * Scenario 5 of issue 15: the local runtime running orchestrations of 10, 100 and 1,000 sequential
 * activity steps (./replayApp.ts). Every completion is one episode that replays the whole history, so
 * the total grows with the square of the steps; what must stay flat is the cost per replayed event.
 */
import type { BenchWorld } from "./benchWorld.js";
import { printFigure, round } from "./figures.js";
import type { Results } from "./results.js";

/** ./replayApp.ts's orchestration; not imported from there, since importing it registers functions before the runtime loads it. */
const REPLAY_ORCHESTRATION = "benchReplaySteps";

/** Runs one orchestration per step count and prints time per episode and per replayed event. */
export async function benchReplayCost(world: BenchWorld, stepCounts: readonly number[], results: Results): Promise<void> {
  const rows: Array<Record<string, number>> = [];
  for (const steps of stepCounts) {
    const id = `bench-replay-${steps}`;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await world.runtime.engine.startNew(REPLAY_ORCHESTRATION, { instanceId: id, input: steps });
    const status = await world.runToEnd(id);
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (status.runtimeStatus !== "Completed") throw new Error(`replay bench ${id} ended ${status.runtimeStatus}`);
    const events = world.runtime.engine.getHistory(id)?.length ?? 0;
    // Episode k (0-based) replays the history written so far: about (events / steps) * k events.
    const episodes = steps + 1;
    const replayedEvents = (events / episodes) * ((episodes * (episodes + 1)) / 2);
    const perEpisodeMs = wallMs / episodes;
    const perEventUs = (wallMs * 1000) / replayedEvents;
    printFigure(
      `replay ${steps} steps, per episode`,
      perEpisodeMs,
      "ms",
      `${episodes} episodes, ${events} history events at the end, ${round(wallMs)} ms wall, ${round((used.user + used.system) / 1000)} ms CPU; ${perEventUs.toFixed(2)} µs per replayed event`,
    );
    rows.push({ steps, episodes, historyEvents: events, wallMs, perEpisodeMs, perReplayedEventUs: perEventUs });
  }
  results.replayCost = rows;
}
