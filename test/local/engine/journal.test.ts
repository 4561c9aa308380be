import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import type { JournalRecord } from "../../../src/local/engine/store.js";
import { startTestEngine, type TestEngine } from "./harness.js";

const ran: string[] = [];

df.app.activity("journalStep", {
  handler: (step: string) => {
    ran.push(step);
    return step.toUpperCase();
  },
});

df.app.orchestration("journaled", function* (context: OrchestrationContext) {
  const first: unknown = yield context.df.callActivity("journalStep", "first");
  context.df.setCustomStatus("sleeping");
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3_600_000));
  const second: unknown = yield context.df.callActivity("journalStep", "second");
  return [first, second];
});

df.app.orchestration("waitsForGo", function* (context: OrchestrationContext) {
  return (yield context.df.waitForExternalEvent("go")) as unknown;
});

df.app.entity("Tally", (context) => {
  context.df.setState(((context.df.getState(() => 0) as number) ?? 0) + 1);
});

const START = "2026-03-01T00:00:00.000Z";

async function records(file: string): Promise<JournalRecord[]> {
  return (await readFile(file, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalRecord);
}

describe("journal", () => {
  let dataDir: string;
  const engines: TestEngine[] = [];

  async function open(): Promise<TestEngine> {
    const t = await startTestEngine({ dataDir, clock: new VirtualClock(START), taskHubName: "hub" });
    engines.push(t);
    return t;
  }

  beforeEach(async () => {
    ran.length = 0;
    dataDir = await mkdtemp(path.join(os.tmpdir(), "engine-journal-"));
  });

  afterEach(async () => {
    for (const t of engines.splice(0)) await t.engine.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  it("resumes an instance with a pending timer after a restart, without re-running finished activities", async () => {
    const before = await open();
    const id = await before.run("journaled");
    await before.engine.signalEntity({ name: "Tally", key: "t" }, "bump");
    const waiting = await before.run("waitsForGo", undefined, "waiter");
    await before.engine.stop();
    expect(ran).toEqual(["first"]);

    const after = await open();
    expect((await after.engine.getStatus(id))?.customStatus).toBe("sleeping");
    expect(await after.engine.readEntityState({ name: "Tally", key: "t" })).toEqual({ exists: true, state: 1 });
    await after.engine.raiseEvent(waiting, "go", { ok: true });
    await after.advance(3_600_000);
    expect((await after.engine.getStatus(id))?.output).toEqual(["FIRST", "SECOND"]);
    expect((await after.engine.getStatus(waiting))?.output).toEqual({ ok: true });
    expect(ran).toEqual(["first", "second"]);
  });

  it("appends one record per change and compacts to a snapshot when reopened", async () => {
    const t = await open();
    const file = t.engine.journalFile!;
    expect(file).toBe(path.join(dataDir, "hub.journal.ndjson"));
    await t.run("journaled");
    const appended = await records(file);
    // The (empty) snapshot written on open, then: start, episode 1, activity result, episode 2 (arms
    // the timer). History already written is never rewritten.
    expect(appended.map((r) => r.k)).toEqual(["snapshot-seq", "start", "episode", "msg", "episode"]);
    const episodes = appended.filter((r): r is Extract<JournalRecord, { k: "episode" }> => r.k === "episode");
    expect(episodes.map((r) => r.append.length)).toEqual([4, 4]);
    await t.engine.stop();

    await open();
    expect((await records(file)).map((r) => r.k)).toEqual(["snapshot-seq", "snapshot-instance"]);
  });

  it("cuts off a torn last line and refuses a corrupt journal", async () => {
    const t = await open();
    const id = await t.run("waitsForGo");
    await t.engine.stop();
    const file = t.engine.journalFile!;
    await appendFile(file, '{"k":"msg","message":{"seq":99,"tar');
    const reopened = await open();
    expect((await reopened.engine.getStatus(id))?.runtimeStatus).toBe("Running");
    await reopened.engine.stop();
    expect((await readFile(file, "utf8")).endsWith("}\n")).toBe(true);

    await writeFile(file, '{"k":"snapshot-seq","nextSeq":1}\nnot json\n{"k":"purge","id":"x"}\n');
    await expect(open()).rejects.toThrow("is corrupt at line 2");
  });
});
