/**
 * Per-app single flight as a pure state machine: one deploy holds the app; later ones wait; when the
 * holder finishes, only the newest waiter runs and the others are superseded by it. The
 * `deployTarget` entity applies these functions, so the decisions are serialized per app.
 */

/** Who holds the app and who waits, oldest first. */
export interface DeployQueueState {
  holder?: string;
  waiting: string[];
}

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

/** An empty queue. */
export function emptyQueue(): DeployQueueState {
  return { waiting: [] };
}

/** Asks for the app. Idempotent: asking again while holding or waiting changes nothing. */
export function enqueue(state: DeployQueueState, deploymentId: string): EnqueueResult {
  if (state.holder === undefined) return { state: { holder: deploymentId, waiting: state.waiting.filter((id) => id !== deploymentId) }, granted: true };
  if (state.holder === deploymentId) return { state, granted: true };
  const waiting = state.waiting.includes(deploymentId) ? state.waiting : [...state.waiting, deploymentId];
  return { state: { holder: state.holder, waiting }, granted: false, holder: state.holder };
}

/**
 * Gives the app up. Only the holder's release hands it on; a waiter that leaves (it was cancelled)
 * is just removed. Releasing twice is harmless.
 */
export function release(state: DeployQueueState, deploymentId: string): ReleaseResult {
  if (state.holder !== deploymentId) {
    return { state: { ...state, waiting: state.waiting.filter((id) => id !== deploymentId) }, notices: [] };
  }
  const next = state.waiting[state.waiting.length - 1];
  if (next === undefined) return { state: emptyQueue(), notices: [] };
  const superseded = state.waiting.slice(0, -1);
  return {
    state: { holder: next, waiting: [] },
    notices: [
      ...superseded.map((instanceId): QueueDecision => ({ instanceId, kind: "superseded", supersededBy: next })),
      { instanceId: next, kind: "granted" },
    ],
  };
}
