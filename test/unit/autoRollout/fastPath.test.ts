/**
 * The webhook's fast path for a push of an image just handed on: the entity's `join` operation (joins
 * the open window as a non-leader would, or records that the earlier push's window decides it), the
 * per-process table of recent hand-overs, the batching of joins into entity signals, and `takePush`
 * choosing between a start and a join.
 */
import { describe, expect, it } from "vitest";
import type { Candidate, RegistryPush } from "../../../src/domain/autoRollout.js";
import type { TargetDefinition } from "../../../src/domain/target.js";
import { applyAutoRolloutOperation, emptyAutoRolloutRecord, type AutoRolloutRecord } from "../../../src/entities/autoRolloutRecord.js";
import { JoinBatcher, type Join } from "../../../src/functions/autoRollout/joinBatcher.js";
import { takePush, type IntakeClient, type IntakeMemory } from "../../../src/functions/autoRollout/pushIntake.js";
import { RecentPushes } from "../../../src/functions/autoRollout/recentPushes.js";

const D = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const AT = "2026-12-06T06:00:00.000Z";
const later = (seconds: number): string => new Date(Date.parse(AT) + seconds * 1000).toISOString();
const pushed = (tag: string, digest: string, eventId: string, source: "webhook" | "eventGrid" = "webhook"): Omit<Candidate, "seq"> => ({ tag, digest, timestamp: AT, eventIds: [eventId], sources: [source] });

function opened(): AutoRolloutRecord {
  return applyAutoRolloutOperation(emptyAutoRolloutRecord(), "arrive", { instanceId: "p1", candidate: pushed("v1", D(1), "e1"), at: AT, staleAfterSeconds: 310 }).record;
}

describe("the autoRollout entity's join operation", () => {
  it("a join of the same image merges its event into the open window's candidate and records a duplicate; a new image is coalesced", () => {
    const { record, result } = applyAutoRolloutOperation(opened(), "join", {
      joins: [
        { candidate: pushed("v1", D(1), "e1"), at: later(1) },
        { candidate: pushed("v1", D(1), "eg-1", "eventGrid"), at: later(2) },
        { candidate: pushed("v2", D(2), "e2"), at: later(3) },
      ],
      staleAfterSeconds: 310,
    });
    expect(result).toBeUndefined();
    expect(record.window?.leader).toBe("p1");
    expect(record.window?.candidates.map((c) => [c.tag, c.seq, c.eventIds, c.sources])).toEqual([
      ["v1", 0, ["e1", "eg-1"], ["webhook", "eventGrid"]],
      ["v2", 1, ["e2"], ["webhook"]],
    ]);
    expect(record.decisions.map((d) => [d.kind, d.eventId])).toEqual([
      ["deduped", "e1"],
      ["deduped", "eg-1"],
      ["coalesced", "e2"],
    ]);
  });

  it("with no open window (closed, or left stale) a join opens none: it records that the earlier push's window decides it", () => {
    const closed = applyAutoRolloutOperation(opened(), "closeWindow", { instanceId: "p1" }).record;
    const joined = applyAutoRolloutOperation(closed, "join", { joins: [{ candidate: pushed("v1", D(1), "e1"), at: later(11) }], staleAfterSeconds: 310 }).record;
    expect(joined.window).toBeUndefined();
    expect(joined.decisions).toEqual([expect.objectContaining({ kind: "deduped", tag: "v1", digest: D(1), eventId: "e1", reason: expect.stringContaining("decides it") })]);

    const stale = applyAutoRolloutOperation(opened(), "join", { joins: [{ candidate: pushed("v2", D(2), "e2"), at: later(400) }], staleAfterSeconds: 310 }).record;
    expect(stale.window?.candidates.map((c) => c.tag)).toEqual(["v1"]);
    expect(stale.decisions.map((d) => d.kind)).toEqual(["deduped"]);
  });
});

describe("RecentPushes", () => {
  it("keeps a hand-over for its window, forgets a failed one, and drops the oldest past its capacity", async () => {
    const recent = new RecentPushes(2);
    const a = RecentPushes.key("t", "v1", D(1));
    recent.remember(a, Promise.resolve(true), 10_000);
    expect(await recent.find(a, 9_999)).toBe(true);
    expect(recent.find(a, 10_000)).toBeUndefined();

    const failed = RecentPushes.key("t", "v2", D(2));
    recent.remember(failed, Promise.resolve(false), 10_000);
    await Promise.resolve();
    await Promise.resolve();
    expect(recent.find(failed, 0)).toBeUndefined();

    for (const n of [3, 4, 5]) recent.remember(RecentPushes.key("t", `v${n}`, D(n)), Promise.resolve(true), 10_000);
    expect(recent.size).toBe(2);
    expect(recent.find(RecentPushes.key("t", "v3", D(3)), 0)).toBeUndefined();
    expect(recent.find(RecentPushes.key("t", "v5", D(5)), 0)).toBeDefined();
  });
});

/** A Durable client that records what intake asks of it. */
function fakeClient(options: { failSignals?: boolean } = {}): IntakeClient & { starts: unknown[]; signals: Array<{ key: string; op: string; input: unknown }> } {
  const starts: unknown[] = [];
  const signals: Array<{ key: string; op: string; input: unknown }> = [];
  const client = {
    starts,
    signals,
    startNew: (_name: string, start?: { input?: unknown }) => {
      starts.push(start?.input);
      return Promise.resolve(`id-${starts.length}`);
    },
    signalEntity: (entity: { key: string }, op?: string, input?: unknown) => {
      if (options.failSignals) return Promise.reject(new Error("store unavailable"));
      signals.push({ key: entity.key, op: op ?? "", input });
      return Promise.resolve();
    },
    getStatus: () => Promise.reject(new Error("not used")),
    raiseEvent: () => Promise.reject(new Error("not used")),
  };
  return client;
}

describe("JoinBatcher", () => {
  it("joins for one target in one turn go in one signal; each caller resolves with it, or fails with it", async () => {
    const client = fakeClient();
    const batcher = new JoinBatcher();
    const join = (n: number): Join => ({ candidate: pushed("v1", D(1), `e${n}`), at: AT });
    await Promise.all([batcher.join(client, "a", join(1), 310), batcher.join(client, "a", join(2), 310), batcher.join(client, "b", join(3), 310)]);
    expect(client.signals.map((s) => [s.key, s.op, (s.input as { joins: Join[] }).joins.length])).toEqual([
      ["a", "join", 2],
      ["b", "join", 1],
    ]);
    const failing = new JoinBatcher();
    await expect(failing.join(fakeClient({ failSignals: true }), "a", join(4), 310)).rejects.toThrow("store unavailable");
  });
});

describe("takePush", () => {
  const target = { name: "web", image: { loginServer: "acr.azurecr.io", repository: "team/web" }, containerApp: {}, autoRollout: { enabled: true, tagPolicy: { kind: "any" } } } as unknown as TargetDefinition;
  const push = (eventId: string, digest = D(1)): RegistryPush => ({ source: "webhook", eventId, timestamp: AT, loginServer: "acr.azurecr.io", repository: "team/web", tag: "v1", digest });

  it("starts one orchestration for an image, and joins its window for the same image again within the window; after it, starts again", async () => {
    let now = Date.parse(AT);
    const memory: IntakeMemory = { recent: new RecentPushes(), joins: new JoinBatcher(), now: () => now };
    const client = fakeClient();
    // Concurrent deliveries of one push: the first starts, the others wait for it and join.
    await Promise.all([takePush(client, push("e1"), [target], 10, memory), takePush(client, push("e1"), [target], 10, memory)]);
    await takePush(client, push("e2"), [target], 10, memory);
    expect(client.starts).toHaveLength(1);
    expect(client.signals.flatMap((s) => (s.input as { joins: Join[] }).joins.map((j) => j.candidate.eventIds[0]))).toEqual(["e1", "e2"]);
    // Another image is news.
    await takePush(client, push("e3", D(3)), [target], 10, memory);
    expect(client.starts).toHaveLength(2);
    now += 10_000;
    await takePush(client, push("e1"), [target], 10, memory);
    expect(client.starts).toHaveLength(3);
  });

  it("without a debounce window, or when the join cannot be sent, every push starts its own orchestration", async () => {
    const memory: IntakeMemory = { recent: new RecentPushes(), joins: new JoinBatcher(), now: () => Date.parse(AT) };
    const client = fakeClient();
    await takePush(client, push("e1"), [target], 0, memory);
    await takePush(client, push("e1"), [target], 0, memory);
    expect(client.starts).toHaveLength(2);

    const failing = fakeClient({ failSignals: true });
    await takePush(failing, push("e1"), [target], 10, memory);
    await takePush(failing, push("e1"), [target], 10, memory);
    expect(failing.starts).toHaveLength(2);
  });
});
