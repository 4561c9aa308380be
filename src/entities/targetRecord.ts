/**
 * What aca-rollout remembers per Container App, and the operations on it. Pure: the `deployTarget`
 * entity applies these, one operation at a time, so the record never sees two writers at once.
 */
import { enqueue, emptyQueue, release, type DeployQueueState, type QueueDecision } from "../policies/deployQueue.js";
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

/** The entity's state. */
export interface TargetRecord {
  queue: DeployQueueState;
  quarantine: QuarantineEntry[];
  lastKnownGood?: KnownGood;
  lastDeployment?: LastDeployment;
}

/** Entity operation names and their inputs. */
export interface TargetOperations {
  enqueue: { deploymentId: string };
  release: { deploymentId: string };
  quarantine: QuarantineEntry;
  liftQuarantine: { digest: string };
  recordKnownGood: KnownGood;
  recordDeployment: LastDeployment;
  get: undefined;
}

/** Results of the operations that answer. */
export interface EnqueueAnswer {
  granted: boolean;
  holder?: string;
}

/** The answer to `release`: whom to wake. */
export interface ReleaseAnswer {
  notices: QueueDecision[];
}

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
