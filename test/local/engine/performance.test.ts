import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { describe, expect, it } from "vitest";
import { startTestEngine } from "./harness.js";

df.app.activity("perfStep", { handler: (n: number) => n + 1 });

df.app.orchestration("perfChain", function* (context: OrchestrationContext) {
  const steps = context.df.getInput<number>();
  let value = 0;
  for (let i = 0; i < steps; i++) value = (yield context.df.callActivity("perfStep", value)) as number;
  return value;
});

async function measure(steps: number, dataDir: string | undefined): Promise<{ events: number; ms: number; eventsPerSecond: number; journalBytes: number }> {
  const t = await startTestEngine({ dataDir });
  const started = performance.now();
  const id = await t.run("perfChain", steps);
  const ms = performance.now() - started;
  expect((await t.engine.getStatus(id))?.output).toBe(steps);
  const events = t.engine.getHistory(id)?.length ?? 0;
  const journalBytes = t.engine.stats.journalBytes;
  await t.engine.stop();
  return { events, ms: Math.round(ms), eventsPerSecond: Math.round((events / ms) * 1000), journalBytes };
}

describe("replay cost", () => {
  it("runs a 200-event orchestration quickly, in memory and journaled", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "engine-perf-"));
    try {
      const memory = await measure(50, undefined);
      const journaled = await measure(50, dataDir);
      const larger = await measure(200, undefined);
      console.log(JSON.stringify({ memory, journaled, larger }));
      expect(memory.events).toBe(204);
      // Generous bounds: catch accidental quadratic disk work or per-event fsync storms, not CI noise.
      expect(memory.ms).toBeLessThan(5_000);
      expect(journaled.ms).toBeLessThan(10_000);
      // Appending only new events keeps the journal linear in the history (about 0.3 KB per event here).
      expect(journaled.journalBytes).toBeLessThan(memory.events * 1_000);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
