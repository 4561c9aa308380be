/**
 * What aca-rollout remembers per Container App, and the operations on it. Pure: the `deployTarget`
 * entity applies these, one operation at a time, so the record never sees two writers at once.
 */
import { enqueue, emptyQueue, release, turnOf, type DeployQueueState, type QueueDecision } from "../policies/deployQueue.js";
import { addVerifyTiming, type VerifyTiming } from "../policies/learnedVerifyFloors.js";
import { addToQuarantine, liftQuarantine, type QuarantineEntry } from "../policies/quarantine.js";

/** The revision and image that last passed verification on this app. */
export interface KnownGood {
  revision: string;
  image: string;
  digest?: string;
  deploymentId?: string;
  at: string;
}

/** The last deploy that finished on this app. */
export interface LastDeployment {
  deploymentId: string;
  outcome: string;
  at: string;
}

/** Something done to the app's lock on someone else's behalf, kept so people can see why. */
export interface TargetHistoryEntry {
  at: string;
  /**
   * `lock-released-by-hand`: an operator freed the app (`DELETE /api/targets/{name}/lock`).
   * `lock-released-holder-ended`: the deploy holding the app had ended (or never existed), so the
   * app was passed on for it.
   */
  event: "lock-released-by-hand" | "lock-released-holder-ended";
  /** The deploy that held the app. */
  holder: string;
  reason: string;
}

/** How many history entries the record keeps (newest last). */
export const MAX_HISTORY_ENTRIES = 50;

/** The entity's state. */
export interface TargetRecord {
  queue: DeployQueueState;
  quarantine: QuarantineEntry[];
  lastKnownGood?: KnownGood;
  lastDeployment?: LastDeployment;
  /** Lock releases done on a holder's behalf; absent until the first. */
  history?: TargetHistoryEntry[];
  /** The last few verifications' timing bounds, from which the next verification learns its floors; absent until the first. */
  verifyTimings?: VerifyTiming[];
}

/** Entity operation names and their inputs. */
export interface TargetOperations {
  enqueue: { deploymentId: string };
  release: { deploymentId: string };
  checkTurn: { deploymentId: string };
  releaseEnded: { holder: string; reason: string; at: string };
  releaseByHand: { holder: string; reason: string; at: string };
  quarantine: QuarantineEntry;
  liftQuarantine: { digest: string };
  recordKnownGood: KnownGood;
  recordDeployment: LastDeployment;
  recordVerifyTiming: VerifyTiming;
  get: undefined;
}

/** Results of the operations that answer. */
export interface EnqueueAnswer {
  granted: boolean;
  holder?: string;
}

/** The answer to `release`, `releaseEnded` and `releaseByHand`: whom to wake (empty when nothing changed). */
export interface ReleaseAnswer {
  notices: QueueDecision[];
}

/** The answer to `checkTurn`: where a waiting deploy stands, whether or not its wake-up arrived. */
export type TurnAnswer = { kind: "granted" } | { kind: "waiting"; holder: string } | { kind: "superseded"; supersededBy: string };

/** A fresh record. */
export function emptyTargetRecord(): TargetRecord {
  return { queue: emptyQueue(), quarantine: [] };
}

/** Applies one operation; unknown operations and malformed inputs are rejected with a clear error. */
export function applyTargetOperation(record: TargetRecord, operation: string, input: unknown): { record: TargetRecord; result?: unknown } {
  switch (operation) {
    case "enqueue": {
      const { deploymentId } = requireFields<TargetOperations["enqueue"]>(input, ["deploymentId"], operation);
      const r = enqueue(record.queue, deploymentId);
      const answer: EnqueueAnswer = r.holder === undefined ? { granted: r.granted } : { granted: r.granted, holder: r.holder };
      return { record: { ...record, queue: r.state }, result: answer };
    }
    case "release": {
      const { deploymentId } = requireFields<TargetOperations["release"]>(input, ["deploymentId"], operation);
      const r = release(record.queue, deploymentId);
      const answer: ReleaseAnswer = { notices: r.notices };
      return { record: { ...record, queue: r.state }, result: answer };
    }
    case "checkTurn": {
      const { deploymentId } = requireFields<TargetOperations["checkTurn"]>(input, ["deploymentId"], operation);
      const turn = turnOf(record.queue, deploymentId);
      if (turn.kind !== "unknown") return { record, result: turn satisfies TurnAnswer };
      // Its place was given up for it, yet it is alive (it asks): it queues again.
      const r = enqueue(record.queue, deploymentId);
      const answer: TurnAnswer = r.granted ? { kind: "granted" } : { kind: "waiting", holder: r.holder ?? "" };
      return { record: { ...record, queue: r.state }, result: answer };
    }
    case "releaseEnded":
    case "releaseByHand": {
      const { holder, reason, at } = requireFields<TargetOperations["releaseEnded"]>(input, ["holder", "reason", "at"], operation);
      // Only the holder named is released: a stale request never frees a deploy that took the app since.
      if (record.queue.holder !== holder) return { record, result: { notices: [] } satisfies ReleaseAnswer };
      const r = release(record.queue, holder);
      const entry: TargetHistoryEntry = { at, event: operation === "releaseByHand" ? "lock-released-by-hand" : "lock-released-holder-ended", holder, reason };
      const history = [...(record.history ?? []), entry].slice(-MAX_HISTORY_ENTRIES);
      return { record: { ...record, queue: r.state, history }, result: { notices: r.notices } satisfies ReleaseAnswer };
    }
    case "quarantine": {
      const entry = requireFields<QuarantineEntry>(input, ["digest", "deploymentId", "reason", "at"], operation);
      return { record: { ...record, quarantine: addToQuarantine(record.quarantine, entry) } };
    }
    case "liftQuarantine": {
      const { digest } = requireFields<TargetOperations["liftQuarantine"]>(input, ["digest"], operation);
      const r = liftQuarantine(record.quarantine, digest);
      return { record: { ...record, quarantine: r.list }, result: { lifted: r.lifted } };
    }
    case "recordKnownGood": {
      const good = requireFields<KnownGood>(input, ["revision", "image", "at"], operation);
      return { record: { ...record, lastKnownGood: good } };
    }
    case "recordDeployment": {
      const last = requireFields<LastDeployment>(input, ["deploymentId", "outcome", "at"], operation);
      return { record: { ...record, lastDeployment: last } };
    }
    case "recordVerifyTiming": {
      const timing = requireFields<VerifyTiming>(input, ["at"], operation);
      if (typeof timing.provisioningSeconds !== "number" || typeof timing.readySeconds !== "number") {
        throw new Error(`deployTarget.${operation} needs numeric provisioningSeconds and readySeconds`);
      }
      return { record: { ...record, verifyTimings: addVerifyTiming(record.verifyTimings, timing) } };
    }
    case "get":
      return { record, result: record };
    default:
      throw new Error(`deployTarget has no operation '${operation}'`);
  }
}

function requireFields<T>(input: unknown, fields: readonly string[], operation: string): T {
  if (typeof input !== "object" || input === null) throw new Error(`deployTarget.${operation} needs an object input`);
  const record = input as Record<string, unknown>;
  const missing = fields.filter((f) => typeof record[f] !== "string" || record[f] === "");
  if (missing.length > 0) throw new Error(`deployTarget.${operation} is missing ${missing.join(", ")}`);
  return input as T;
}
