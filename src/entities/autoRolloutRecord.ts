/**
 * What auto-rollout remembers per target: the open debounce window (its leader and the pushes that
 * arrived in it) and the recent decisions. Pure: the `autoRollout` entity applies these one at a time,
 * so a push arriving and a window closing can never interleave (no push falls between two windows).
 */
import { MAX_DECISIONS, type AutoRolloutDecision, type Candidate } from "../domain/autoRollout.js";

/** An open debounce window. */
export interface PushWindow {
  /** The push orchestration that opened it; it closes it when the window ends. */
  leader: string;
  openedAt: string;
  candidates: Candidate[];
}

/** The entity's state. */
export interface AutoRolloutRecord {
  window?: PushWindow;
  decisions: AutoRolloutDecision[];
}

/** Entity operation inputs. */
export interface AutoRolloutOperations {
  arrive: { instanceId: string; candidate: Omit<Candidate, "seq">; at: string; staleAfterSeconds: number };
  closeWindow: { instanceId: string };
  record: { decisions: AutoRolloutDecision[] };
  /**
   * Pushes the webhook answered without starting an orchestration, because this process had just
   * handed on a push of the same image (see src/functions/autoRollout/recentPushes.ts): each joins
   * the open window as `arrive` would for a non-leader; with no open window, the earlier push's own
   * window decides it, and a `deduped` decision says so.
   */
  join: { joins: Array<{ candidate: Omit<Candidate, "seq">; at: string }>; staleAfterSeconds: number };
}

/**
 * The answer to `arrive`: `leader` (this push opened the window and will close it), `coalesced` (it
 * joined the open window) or `duplicate` (the same tag and digest already waits in it).
 */
export type ArriveAnswer = { role: "leader" } | { role: "coalesced" | "duplicate"; leader: string };

/** The answer to `closeWindow`: the window's candidates, oldest first (empty when the caller no longer leads it). */
export interface CloseAnswer {
  candidates: Candidate[];
}

/** A fresh record. */
export function emptyAutoRolloutRecord(): AutoRolloutRecord {
  return { decisions: [] };
}

/** Appends decisions, keeping the newest {@link MAX_DECISIONS}. */
export function withDecisions(record: AutoRolloutRecord, decisions: readonly AutoRolloutDecision[]): AutoRolloutRecord {
  return { ...record, decisions: [...record.decisions, ...decisions].slice(-MAX_DECISIONS) };
}

/** Applies one operation; unknown operations and malformed inputs are rejected with a clear error. */
export function applyAutoRolloutOperation(record: AutoRolloutRecord, operation: string, input: unknown): { record: AutoRolloutRecord; result?: unknown } {
  switch (operation) {
    case "arrive": {
      const { instanceId, candidate, at, staleAfterSeconds } = requireObject<AutoRolloutOperations["arrive"]>(input, operation);
      const window = openWindow(record, at, staleAfterSeconds);
      if (window === undefined) {
        const opened: PushWindow = { leader: instanceId, openedAt: at, candidates: [{ ...candidate, seq: 0 }] };
        return { record: { ...record, window: opened }, result: { role: "leader" } satisfies ArriveAnswer };
      }
      const joined = joinWindow(record, window, candidate, at);
      return { record: joined.record, result: { role: joined.role, leader: window.leader } satisfies ArriveAnswer };
    }
    case "join": {
      const { joins, staleAfterSeconds } = requireObject<AutoRolloutOperations["join"]>(input, operation);
      let next = record;
      for (const { candidate, at } of Array.isArray(joins) ? joins : []) {
        const window = openWindow(next, at, staleAfterSeconds);
        if (window !== undefined) {
          next = joinWindow(next, window, candidate, at).record;
          continue;
        }
        const eventId = candidate.eventIds[0];
        next = withDecisions(next, [
          {
            at,
            kind: "deduped",
            via: candidate.sources[0] ?? "webhook",
            tag: candidate.tag,
            digest: candidate.digest,
            ...(eventId !== undefined ? { eventId } : {}),
            reason: `the same push (${candidate.tag} at this digest) was handed on moments before; the debounce window that push joined decides it`,
          },
        ]);
      }
      return { record: next };
    }
    case "closeWindow": {
      const { instanceId } = requireObject<AutoRolloutOperations["closeWindow"]>(input, operation);
      if (record.window?.leader !== instanceId) return { record, result: { candidates: [] } satisfies CloseAnswer };
      const { window: closed, ...rest } = record;
      return { record: rest, result: { candidates: closed.candidates } satisfies CloseAnswer };
    }
    case "record": {
      const { decisions } = requireObject<AutoRolloutOperations["record"]>(input, operation);
      // The scan repeats itself every tick while, say, the newest tag stays quarantined: keep one.
      const fresh = (Array.isArray(decisions) ? decisions : []).filter(
        (d) => d.via !== "scan" || !record.decisions.some((e) => e.via === "scan" && e.kind === d.kind && e.digest === d.digest && e.reason === d.reason),
      );
      return { record: withDecisions(record, fresh) };
    }
    case "get":
      return { record, result: record };
    default:
      throw new Error(`autoRollout has no operation '${operation}'`);
  }
}

/** The window pushes arriving at `at` join, unless there is none or its leader left it stale. */
function openWindow(record: AutoRolloutRecord, at: string, staleAfterSeconds: number): PushWindow | undefined {
  const window = record.window;
  // A window whose leader never closed it (its host died, it failed) is taken over, so one lost
  // leader cannot swallow every later push.
  return window !== undefined && Date.parse(at) - Date.parse(window.openedAt) < staleAfterSeconds * 1000 ? window : undefined;
}

/** A push joining an open window it does not lead: a duplicate of a candidate already in it, or a new candidate. */
function joinWindow(record: AutoRolloutRecord, window: PushWindow, candidate: Omit<Candidate, "seq">, at: string): { record: AutoRolloutRecord; role: "coalesced" | "duplicate" } {
  const same = window.candidates.find((c) => c.tag === candidate.tag && c.digest === candidate.digest);
  const source = candidate.sources[0];
  const eventId = candidate.eventIds[0];
  if (same !== undefined) {
    // Kept on the candidate, so the deploy's trigger names every event that reported it.
    const merged: Candidate = {
      ...same,
      eventIds: eventId !== undefined && !same.eventIds.includes(eventId) ? [...same.eventIds, eventId] : same.eventIds,
      sources: source !== undefined && !same.sources.includes(source) ? [...same.sources, source] : same.sources,
    };
    const next: PushWindow = { ...window, candidates: window.candidates.map((c) => (c === same ? merged : c)) };
    const decision: AutoRolloutDecision = {
      at,
      kind: "deduped",
      via: source ?? "webhook",
      tag: candidate.tag,
      digest: candidate.digest,
      ...(eventId !== undefined ? { eventId } : {}),
      reason: `the same push (${candidate.tag} at this digest) already waits in the window opened by ${window.leader}`,
    };
    return { record: withDecisions({ ...record, window: next }, [decision]), role: "duplicate" };
  }
  const next: PushWindow = { ...window, candidates: [...window.candidates, { ...candidate, seq: window.candidates.length }] };
  const decision: AutoRolloutDecision = {
    at,
    kind: "coalesced",
    via: source ?? "webhook",
    tag: candidate.tag,
    digest: candidate.digest,
    ...(eventId !== undefined ? { eventId } : {}),
    reason: `joined the debounce window opened by ${window.leader} at ${window.openedAt}; the newest qualifying image of the window deploys`,
  };
  return { record: withDecisions({ ...record, window: next }, [decision]), role: "coalesced" };
}

function requireObject<T>(input: unknown, operation: string): T {
  if (typeof input !== "object" || input === null) throw new Error(`autoRollout.${operation} needs an object input`);
  return input as T;
}
