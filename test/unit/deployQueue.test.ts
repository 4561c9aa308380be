/**
 * The per-app queue and the entity operations on it: a lock released on its holder's behalf is
 * passed to the newest waiter, a stale request never frees a newer holder, every such release is
 * recorded in the target's history, and a waiter whose wake-up was lost learns its turn from the state.
 */
import { describe, expect, it } from "vitest";
import { applyTargetOperation, emptyTargetRecord, MAX_HISTORY_ENTRIES, type TargetRecord } from "../../src/entities/targetRecord.js";
import { enqueue, emptyQueue, hasEnded, release, turnOf } from "../../src/policies/deployQueue.js";

const AT = "2026-11-28T09:00:00.000Z";

function apply(record: TargetRecord, operation: string, input: unknown): { record: TargetRecord; result?: unknown } {
  return applyTargetOperation(record, operation, input);
}

function queued(...ids: string[]): TargetRecord {
  let record = emptyTargetRecord();
  for (const id of ids) record = apply(record, "enqueue", { deploymentId: id }).record;
  return record;
}

describe("deploy queue", () => {
  it("tells a waiter its turn from the state: holding, waiting behind the holder, or superseded by whom", () => {
    let state = enqueue(emptyQueue(), "a").state;
    state = enqueue(state, "b").state;
    state = enqueue(state, "c").state;
    expect(turnOf(state, "a")).toEqual({ kind: "granted" });
    expect(turnOf(state, "b")).toEqual({ kind: "waiting", holder: "a" });
    state = release(state, "a").state;
    expect(turnOf(state, "c")).toEqual({ kind: "granted" });
    expect(turnOf(state, "b")).toEqual({ kind: "superseded", supersededBy: "c" });
    expect(turnOf(state, "zzz")).toEqual({ kind: "unknown" });
  });

  it("counts a missing instance and every final runtime status as ended", () => {
    expect([undefined, "Completed", "Failed", "Terminated", "Canceled"].every(hasEnded)).toBe(true);
    expect(["Pending", "Running", "ContinuedAsNew", "Suspended"].some(hasEnded)).toBe(false);
  });
});

describe("deployTarget lock operations", () => {
  it("releaseEnded passes the app from an ended holder to the newest waiter and records why", () => {
    const { record, result } = apply(queued("a", "b", "c"), "releaseEnded", { holder: "a", reason: "a ended Terminated", at: AT });
    expect(result).toEqual({ notices: [{ instanceId: "b", kind: "superseded", supersededBy: "c" }, { instanceId: "c", kind: "granted" }] });
    expect(record.queue.holder).toBe("c");
    expect(record.history).toEqual([{ at: AT, event: "lock-released-holder-ended", holder: "a", reason: "a ended Terminated" }]);
  });

  it("releaseByHand frees the app and records the operator's reason; with nobody waiting the app is free", () => {
    const { record, result } = apply(queued("a"), "releaseByHand", { holder: "a", reason: "stuck after an outage", at: AT });
    expect(result).toEqual({ notices: [] });
    expect(record.queue.holder).toBeUndefined();
    expect(record.history).toEqual([{ at: AT, event: "lock-released-by-hand", holder: "a", reason: "stuck after an outage" }]);
  });

  it("a release naming a deploy that no longer holds the app changes nothing", () => {
    const before = queued("b", "c");
    const { record, result } = apply(before, "releaseEnded", { holder: "a", reason: "stale", at: AT });
    expect(result).toEqual({ notices: [] });
    expect(record).toEqual(before);
  });

  it("checkTurn answers without changing the queue, and queues again a live deploy whose place was given up", () => {
    const record = queued("a", "b");
    expect(apply(record, "checkTurn", { deploymentId: "b" })).toEqual({ record, result: { kind: "waiting", holder: "a" } });
    const lost = apply(record, "checkTurn", { deploymentId: "x" });
    expect(lost.result).toEqual({ kind: "waiting", holder: "a" });
    expect(lost.record.queue.waiting).toEqual(["b", "x"]);
    const free = apply(emptyTargetRecord(), "checkTurn", { deploymentId: "x" });
    expect([free.result, free.record.queue.holder]).toEqual([{ kind: "granted" }, "x"]);
  });

  it("keeps the newest history entries only", () => {
    let record = emptyTargetRecord();
    for (let i = 0; i < MAX_HISTORY_ENTRIES + 5; i++) {
      record = apply(record, "enqueue", { deploymentId: `d${i}` }).record;
      record = apply(record, "releaseByHand", { holder: `d${i}`, reason: `r${i}`, at: AT }).record;
    }
    expect(record.history).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(record.history?.at(-1)?.holder).toBe(`d${MAX_HISTORY_ENTRIES + 4}`);
  });

  it("rejects a lock release without a reason", () => {
    expect(() => apply(queued("a"), "releaseByHand", { holder: "a", at: AT })).toThrow(/missing reason/);
  });
});
