/**
 * The engine's state - orchestration instances with their current execution's history and inbox, and
 * entities with their state, lock and inbox - and the journal records that change it. Every change goes
 * through {@link applyRecord}, both live and when the journal is replayed at start-up, so what is on
 * disk and what is in memory cannot drift apart.
 */
import type { RuntimeStatus } from "./api.js";
import type { EntityRequestMessage } from "./extensionReplay.js";
import type { FailureDetailsWire, HistoryEvent } from "./history.js";

/** The orchestration (and the task) that started a sub-orchestration. */
export interface ParentLink {
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
  name: string;
}

/** What an inbox message carries. */
export type InboxBody =
  /** Starts an execution (ExecutionStarted). */
  | { type: "start"; name: string; input: string | undefined; parent?: ParentLink }
  /** A history event for the target execution: completions, timer firings, raised events. */
  | { type: "event"; event: HistoryEvent }
  | { type: "terminate"; reason: string | undefined }
  /** An entity operation or lock request. */
  | { type: "entityRequest"; request: EntityRequestMessage }
  /** Releases the entity lock held by `parent`. */
  | { type: "entityRelease"; parent: string; lockRequestId: string | undefined };

/** A message waiting in an instance's or entity's inbox (DurableTask's control-queue message). */
export interface InboxMessage {
  /** Global, increasing sequence number; journal records name consumed messages by it. */
  seq: number;
  /** Instance id, or entity scheduler id (`@name@key`). */
  target: string;
  /** When set, the message is for that execution only and is dropped after a continue-as-new. */
  executionId?: string;
  /** Epoch ms when the message was sent. */
  sentAt: number;
  body: InboxBody;
}

/** Locks an orchestration holds on entities. */
export interface HeldLocks {
  entities: string[];
  requestId: string | undefined;
}

/** One orchestration instance and its current execution. */
export interface InstanceState {
  instanceId: string;
  name: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** JSON text of the current execution's input. */
  input: string | undefined;
  /** JSON text of the output (for a failed instance: the failure message as JSON text). */
  output: string | undefined;
  customStatus: string | undefined;
  failureDetails: FailureDetailsWire | undefined;
  createdTime: number;
  lastUpdatedTime: number;
  parent: ParentLink | undefined;
  history: HistoryEvent[];
  inbox: InboxMessage[];
  locks: HeldLocks | undefined;
}

/** The entity lock holder. */
export interface EntityLock {
  owner: string;
  ownerExecution: string | undefined;
  requestId: string;
}

/** One entity (`@name@key`). */
export interface EntityStateRecord {
  id: string;
  name: string;
  key: string;
  exists: boolean;
  /** JSON text. */
  state: string | undefined;
  lastModified: number;
  lock: EntityLock | undefined;
  inbox: InboxMessage[];
}

/** Everything the engine knows. */
export interface EngineState {
  instances: Map<string, InstanceState>;
  entities: Map<string, EntityStateRecord>;
  nextSeq: number;
}

/** A new instance (from a client start, a restart or a sub-orchestration). */
export interface InstanceStart {
  instanceId: string;
  name: string;
  executionId: string;
  input: string | undefined;
  createdTime: number;
  parent?: ParentLink;
  message: InboxMessage;
}

/** One episode's changes to an orchestration instance. */
export interface EpisodeRecord {
  k: "episode";
  instanceId: string;
  executionId: string;
  consumed: number[];
  append: HistoryEvent[];
  status: RuntimeStatus;
  output?: string;
  customStatus?: string;
  failureDetails?: FailureDetailsWire;
  updated: number;
  locks?: HeldLocks | null;
  out: InboxMessage[];
  starts: InstanceStart[];
  /** Continue-as-new: the new execution and its start message. */
  next?: { executionId: string; input: string | undefined; message: InboxMessage };
}

/** One entity batch's changes. */
export interface EntityRecord {
  k: "entity";
  id: string;
  name: string;
  key: string;
  consumed: number[];
  exists: boolean;
  state?: string;
  lock: EntityLock | null;
  updated: number;
  out: InboxMessage[];
}

/** A journal record. */
export type JournalRecord =
  | { k: "start"; start: InstanceStart }
  | { k: "msg"; message: InboxMessage }
  | EpisodeRecord
  | EntityRecord
  | { k: "purge"; id: string }
  | { k: "snapshot-instance"; instance: InstanceState }
  | { k: "snapshot-entity"; entity: EntityStateRecord }
  | { k: "snapshot-seq"; nextSeq: number };

/** Empty state. */
export function emptyState(): EngineState {
  return { instances: new Map(), entities: new Map(), nextSeq: 1 };
}

/** Splits an entity scheduler id `@name@key` into name and key. */
export function parseEntityId(id: string): { name: string; key: string } {
  const separator = id.indexOf("@", 1);
  return { name: id.substring(1, separator), key: id.substring(separator + 1) };
}

/** The scheduler id of an entity (`@name@key`, name lower-cased as durable-functions does). */
export function entitySchedulerId(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

function entityFor(state: EngineState, id: string): EntityStateRecord {
  let entity = state.entities.get(id);
  if (!entity) {
    const { name, key } = parseEntityId(id);
    entity = { id, name, key, exists: false, state: undefined, lastModified: 0, lock: undefined, inbox: [] };
    state.entities.set(id, entity);
  }
  return entity;
}

function noteSeq(state: EngineState, seq: number): void {
  if (seq >= state.nextSeq) state.nextSeq = seq + 1;
}

/** Adds `message` to its target's inbox; messages for unknown instances are dropped (as for purged ones). */
export function deliver(state: EngineState, message: InboxMessage): void {
  noteSeq(state, message.seq);
  if (message.target.startsWith("@")) {
    entityFor(state, message.target).inbox.push(message);
    return;
  }
  state.instances.get(message.target)?.inbox.push(message);
}

function startInstance(state: EngineState, start: InstanceStart): void {
  noteSeq(state, start.message.seq);
  state.instances.set(start.instanceId, {
    instanceId: start.instanceId,
    name: start.name,
    executionId: start.executionId,
    runtimeStatus: "Pending",
    input: start.input,
    output: undefined,
    customStatus: undefined,
    failureDetails: undefined,
    createdTime: start.createdTime,
    lastUpdatedTime: start.createdTime,
    parent: start.parent,
    history: [],
    inbox: [start.message],
    locks: undefined,
  });
}

function removeConsumed(inbox: InboxMessage[], consumed: readonly number[]): InboxMessage[] {
  if (consumed.length === 0) return inbox;
  const gone = new Set(consumed);
  return inbox.filter((m) => !gone.has(m.seq));
}

function applyEpisode(state: EngineState, record: EpisodeRecord): void {
  const instance = state.instances.get(record.instanceId);
  if (instance && instance.executionId === record.executionId) {
    instance.inbox = removeConsumed(instance.inbox, record.consumed);
    for (const event of record.append) instance.history.push(event);
    instance.runtimeStatus = record.status;
    if (record.output !== undefined) instance.output = record.output;
    if (record.customStatus !== undefined) instance.customStatus = record.customStatus;
    if (record.failureDetails !== undefined) instance.failureDetails = record.failureDetails;
    if (record.locks !== undefined) instance.locks = record.locks ?? undefined;
    instance.lastUpdatedTime = record.updated;
    if (record.next) {
      noteSeq(state, record.next.message.seq);
      instance.executionId = record.next.executionId;
      instance.input = record.next.input;
      instance.output = undefined;
      instance.history = [];
      instance.inbox = [record.next.message, ...instance.inbox];
    }
  }
  for (const start of record.starts) startInstance(state, start);
  for (const message of record.out) deliver(state, message);
}

function applyEntity(state: EngineState, record: EntityRecord): void {
  const entity = entityFor(state, record.id);
  entity.inbox = removeConsumed(entity.inbox, record.consumed);
  entity.exists = record.exists;
  entity.state = record.state;
  entity.lock = record.lock ?? undefined;
  entity.lastModified = record.updated;
  for (const message of record.out) deliver(state, message);
}

/** Applies one journal record to `state`. */
export function applyRecord(state: EngineState, record: JournalRecord): void {
  switch (record.k) {
    case "start":
      startInstance(state, record.start);
      return;
    case "msg":
      deliver(state, record.message);
      return;
    case "episode":
      applyEpisode(state, record);
      return;
    case "entity":
      applyEntity(state, record);
      return;
    case "purge":
      state.instances.delete(record.id);
      state.entities.delete(record.id);
      return;
    case "snapshot-instance":
      state.instances.set(record.instance.instanceId, record.instance);
      for (const message of record.instance.inbox) noteSeq(state, message.seq);
      return;
    case "snapshot-entity":
      state.entities.set(record.entity.id, record.entity);
      for (const message of record.entity.inbox) noteSeq(state, message.seq);
      return;
    case "snapshot-seq":
      state.nextSeq = Math.max(state.nextSeq, record.nextSeq);
      return;
  }
}

/** Records that recreate `state` (the compacted journal). */
export function snapshotRecords(state: EngineState): JournalRecord[] {
  return [
    { k: "snapshot-seq", nextSeq: state.nextSeq },
    ...[...state.instances.values()].map((instance): JournalRecord => ({ k: "snapshot-instance", instance })),
    ...[...state.entities.values()].map((entity): JournalRecord => ({ k: "snapshot-entity", entity })),
  ];
}
