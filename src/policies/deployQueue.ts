/**
 * Per-app single flight as a pure state machine: one deploy holds the app; later ones wait; when the
 * holder finishes, only the newest waiter runs and the others are superseded by it. The
 * `deployTarget` entity applies these functions, so the decisions are serialized per app.
 *
 * The lock must never outlive its holder, so a holder can also be released on its behalf (it has
 * ended, or an operator freed the app by hand), and a waiter whose wake-up was lost can ask where it
 * stands ({@link turnOf}): the state answers without the wake-up event.
 */

/** Who holds the app, who waits (oldest first), and who was recently superseded by whom. */
export interface DeployQueueState {
  holder?: string;
  waiting: string[];
  /** Recent supersede decisions, newest last, so a waiter whose notice was lost still learns it. */
  superseded?: SupersededEntry[];
}

/** One superseded waiter and the deploy that replaced it. */
export interface SupersededEntry {
  instanceId: string;
  supersededBy: string;
}

/** How many supersede decisions the state remembers. */
export const MAX_SUPERSEDED_REMEMBERED = 32;

/** The answer to a deploy asking for its turn. */
export interface EnqueueResult {
  state: DeployQueueState;
  /** True when the caller holds the app now. */
  granted: boolean;
  /** The deploy currently holding the app, when it is someone else. */
  holder?: string;
}

/** A wake-up for a waiting deploy. */
export interface QueueDecision {
  instanceId: string;
  kind: "granted" | "superseded";
  supersededBy?: string;
}

/** The answer to a holder releasing the app. */
export interface ReleaseResult {
  state: DeployQueueState;
  /** Whom to wake: the newest waiter is granted, every other waiter is superseded by it. */
  notices: QueueDecision[];
}

/** Where a deploy stands in the queue, read from the state alone. */
export type QueueTurn =
  | { kind: "granted" }
  | { kind: "waiting"; holder: string }
  | { kind: "superseded"; supersededBy: string }
  | { kind: "unknown" };

/** Runtime statuses of a Durable instance that has ended and will never release anything itself. */
export const ENDED_RUNTIME_STATUSES = ["Completed", "Failed", "Terminated", "Canceled"] as const;

/** True when an instance with this runtime status (or none at all: purged or never started) has ended. */
export function hasEnded(runtimeStatus: string | undefined): boolean {
  return runtimeStatus === undefined || (ENDED_RUNTIME_STATUSES as readonly string[]).includes(runtimeStatus);
}

/** An empty queue. */
export function emptyQueue(): DeployQueueState {
  return { waiting: [] };
}

/** Asks for the app. Idempotent: asking again while holding or waiting changes nothing. */
export function enqueue(state: DeployQueueState, deploymentId: string): EnqueueResult {
  if (state.holder === undefined) return { state: { ...state, holder: deploymentId, waiting: state.waiting.filter((id) => id !== deploymentId) }, granted: true };
  if (state.holder === deploymentId) return { state, granted: true };
  const waiting = state.waiting.includes(deploymentId) ? state.waiting : [...state.waiting, deploymentId];
  return { state: { ...state, waiting }, granted: false, holder: state.holder };
}

/**
 * Gives the app up. Only the holder's release hands it on; a waiter that leaves (it was cancelled)
 * is just removed. Releasing twice is harmless.
 */
export function release(state: DeployQueueState, deploymentId: string): ReleaseResult {
  if (state.holder !== deploymentId) {
    return { state: { ...state, waiting: state.waiting.filter((id) => id !== deploymentId) }, notices: [] };
  }
  const { holder: _holder, ...rest } = state;
  const next = state.waiting[state.waiting.length - 1];
  if (next === undefined) return { state: { ...rest, waiting: [] }, notices: [] };
  const superseded = state.waiting.slice(0, -1).map((instanceId): SupersededEntry => ({ instanceId, supersededBy: next }));
  const remembered = [...(state.superseded ?? []), ...superseded].slice(-MAX_SUPERSEDED_REMEMBERED);
  return {
    state: { holder: next, waiting: [], ...(remembered.length > 0 ? { superseded: remembered } : {}) },
    notices: [...superseded.map((s): QueueDecision => ({ instanceId: s.instanceId, kind: "superseded", supersededBy: next })), { instanceId: next, kind: "granted" }],
  };
}

/**
 * Where `deploymentId` stands; changes nothing. A deploy that is none of these had its place given up
 * on its behalf (it was thought gone); it is alive, since it asks, so it should simply ask again.
 */
export function turnOf(state: DeployQueueState, deploymentId: string): QueueTurn {
  if (state.holder === deploymentId) return { kind: "granted" };
  if (state.holder !== undefined && state.waiting.includes(deploymentId)) return { kind: "waiting", holder: state.holder };
  const superseded = (state.superseded ?? []).findLast((s) => s.instanceId === deploymentId);
  if (superseded) return { kind: "superseded", supersededBy: superseded.supersededBy };
  return { kind: "unknown" };
}
