/**
 * The local Durable orchestration engine: runs the product's orchestrations, activities and entities,
 * registered through '@azure/functions-core' (see ../worker/), on the real durable-functions replay code,
 * standing in for the Functions host + Durable extension + DurableTask.Core + Azure Storage.
 *
 * Design
 * - Messages and episodes, as in DurableTask. Every instance and entity has an inbox of messages
 *   (start, activity/timer/sub-orchestration completions, raised events, terminate, entity requests).
 *   A per-target work loop takes the whole inbox as one episode: it appends OrchestratorStarted (clock
 *   time) and the messages' events to the history, invokes the orchestrator with the extension's JSON
 *   binding (full history, no cached generator state), then replays the returned actions on the
 *   extension side (extensionReplay.ts) to get the new decisions, check determinism and run retries
 *   and long timers the way the C# code does. Decisions become history events (TaskScheduled,
 *   TimerCreated, ...) and, after the episode is durable, side effects: activities start (concurrently),
 *   timers are armed on the injected Clock, messages go to other instances and entities.
 * - All payloads are JSON text end to end (history, journal, bindings), so everything is a JSON round trip.
 * - Durability: every state change is a journal record (store.ts) applied to memory and appended to an
 *   fsync'd JSON-lines file (journal.ts); episodes append only their new events, so the cost per event
 *   is O(1) on disk. On start the journal is replayed and compacted, then unfinished work resumes:
 *   activities scheduled without a recorded completion run again (recorded ones never do), timers are
 *   re-armed, queued messages are processed.
 * - Files: this one is the client facade (start, query, raise, terminate, purge, entities) and
 *   recovery; below it, in layers, engineEpisodes.ts (episodes and replay), engineEntities.ts,
 *   engineTimers.ts (activities and timers) and engineScheduler.ts (work loops, idle, journal commits).
 * - `idle()` resolves when no episode, activity or entity batch is queued or running; armed timers do
 *   not count, so tests drive time with `clock.advance(ms, () => engine.idle())`.
 */
import { randomUUID } from "node:crypto";
import { InstanceExistsError, DEFAULT_OVERRIDABLE_STATES, InstanceNotRunningError, type EntityRef, type InstancePage, type InstanceQuery, type InstanceStatus, type OrchestrationEngine } from "./api.js";
import type { EntityRequestMessage } from "./extensionReplay.js";
import { EventType, HistoryEvents, type HistoryEvent } from "./history.js";
import { journalPath, memoryJournal, openJournal, type Journal } from "./journal.js";
import { fromJsonText, toJsonText } from "./json.js";
import { toInstanceStatus } from "./statusView.js";
import { applyRecord, emptyState, entitySchedulerId, snapshotRecords } from "./store.js";
import type { EngineOptions } from "./engineOptions.js";
import { stderrLogger } from "./invocation.js";
import { EngineEpisodes } from "./engineEpisodes.js";
import { isTerminal, newExecutionId, type EngineStats } from "./engineScheduler.js";

export type { EngineOptions } from "./engineOptions.js";
export type { EngineStats } from "./engineScheduler.js";

/** The engine, with extras beyond {@link OrchestrationEngine} for the local host and tests. */
export interface LocalOrchestrationEngine extends OrchestrationEngine {
  readonly taskHubName: string;
  /** The journal file, or undefined for an in-memory engine. */
  readonly journalFile: string | undefined;
  readonly stats: Readonly<EngineStats>;
  /** The current execution's raw history (DurableTask field names), or undefined for unknown ids. */
  getHistory(instanceId: string): HistoryEvent[] | undefined;
  /** Every entity the engine knows. */
  listEntities(): Array<{ name: string; key: string; exists: boolean; state: unknown }>;
}

class Engine extends EngineEpisodes implements LocalOrchestrationEngine {
  // ---- client operations -------------------------------------------------------------------

  async startNew(name: string, options: { instanceId?: string; input?: unknown } = {}): Promise<string> {
    return this.clientOperation(async () => {
      if (!this.registry.orchestration(name)) throw new Error(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
      const instanceId = options.instanceId ?? this.options.newInstanceId?.() ?? newExecutionId();
      if (!instanceId.trim() || instanceId.startsWith("@")) throw new Error(`'${instanceId}' is not a valid orchestration instance id.`);
      const existing = this.state.instances.get(instanceId);
      const live = existing !== undefined && !isTerminal(existing.runtimeStatus);
      if (live && (this.options.overridableExistingInstanceStates ?? DEFAULT_OVERRIDABLE_STATES) === "NonRunningStates") throw new InstanceExistsError(instanceId);
      // AnyState: the new execution replaces the live one. Messages and activity results addressed to
      // the old execution id are dropped on delivery, as for a finished one; its timers stop here.
      if (live) this.cancelTimers(instanceId, existing.executionId);
      const now = this.clock.now();
      const input = toJsonText(options.input);
      const executionId = newExecutionId();
      const message = this.message({ target: instanceId, executionId, sentAt: now, body: { type: "start", name, input } });
      await this.commit({ k: "start", start: { instanceId, name, executionId, input, createdTime: now, message } });
      this.kick(instanceId);
      return instanceId;
    });
  }

  async getStatus(instanceId: string, options?: { showHistory?: boolean; showHistoryOutput?: boolean; showInput?: boolean }): Promise<InstanceStatus | undefined> {
    const instance = this.state.instances.get(instanceId);
    return Promise.resolve(instance ? toInstanceStatus(instance, options) : undefined);
  }

  async listInstances(query: InstanceQuery = {}): Promise<InstancePage> {
    const from = query.createdTimeFrom ? Date.parse(query.createdTimeFrom) : Number.NEGATIVE_INFINITY;
    const to = query.createdTimeTo ? Date.parse(query.createdTimeTo) : Number.POSITIVE_INFINITY;
    const statuses = query.runtimeStatus && query.runtimeStatus.length > 0 ? new Set(query.runtimeStatus) : undefined;
    const matching = [...this.state.instances.values()]
      .filter((i) => (!statuses || statuses.has(i.runtimeStatus)) && i.createdTime >= from && i.createdTime <= to)
      .filter((i) => !query.instanceIdPrefix || i.instanceId.startsWith(query.instanceIdPrefix))
      .sort((a, b) => b.createdTime - a.createdTime || a.instanceId.localeCompare(b.instanceId));
    const offset = query.continuationToken ? Number.parseInt(Buffer.from(query.continuationToken, "base64").toString("utf8"), 10) || 0 : 0;
    const top = query.top && query.top > 0 ? query.top : matching.length;
    const page = matching.slice(offset, offset + top);
    const next = offset + page.length;
    return Promise.resolve({
      instances: page.map((i) => toInstanceStatus(i, { showInput: query.showInput })),
      continuationToken: next < matching.length ? Buffer.from(String(next)).toString("base64") : undefined,
    });
  }

  async raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void> {
    return this.clientOperation(async () => {
      const instance = this.requireInstance(instanceId);
      if (isTerminal(instance.runtimeStatus)) throw new InstanceNotRunningError(instanceId, instance.runtimeStatus);
      const now = this.clock.now();
      // Raised without data, the event still carries JSON null, as through the extension.
      await this.send({ target: instanceId, sentAt: now, body: { type: "event", event: HistoryEvents.eventRaised(now, eventName, toJsonText(data ?? null)) } });
    });
  }

  async terminate(instanceId: string, reason?: string): Promise<void> {
    return this.clientOperation(async () => {
      const instance = this.requireInstance(instanceId);
      if (isTerminal(instance.runtimeStatus)) return;
      await this.send({ target: instanceId, sentAt: this.clock.now(), body: { type: "terminate", reason } });
    });
  }

  async purge(instanceId: string): Promise<boolean> {
    return this.clientOperation(async () => {
      if (instanceId.startsWith("@")) {
        if (!this.state.entities.has(instanceId)) return false;
        await this.commit({ k: "purge", id: instanceId });
        return true;
      }
      const instance = this.state.instances.get(instanceId);
      // Only finished instances are purged; a live one keeps running.
      if (!instance || !isTerminal(instance.runtimeStatus)) return false;
      await this.commit({ k: "purge", id: instanceId });
      this.cancelTimers(instanceId);
      return true;
    });
  }

  async signalEntity(entity: EntityRef, operationName: string, input?: unknown): Promise<void> {
    return this.clientOperation(async () => {
      if (!this.registry.entity(entity.name)) throw new Error(`The function '${entity.name}' doesn't exist, is disabled, or is not an entity function.`);
      const request: EntityRequestMessage = { op: operationName, signal: true, input: toJsonText(input) ?? null, id: randomUUID() };
      await this.send({ target: entitySchedulerId(entity.name, entity.key), sentAt: this.clock.now(), body: { type: "entityRequest", request } });
    });
  }

  async readEntityState(entity: EntityRef): Promise<{ exists: boolean; state?: unknown }> {
    const record = this.state.entities.get(entitySchedulerId(entity.name, entity.key));
    if (!record?.exists) return Promise.resolve({ exists: false });
    return Promise.resolve({ exists: true, state: fromJsonText(record.state) });
  }

  idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.maybeIdle();
    });
  }

  async stop(): Promise<void> {
    if (this.stopping) return this.idle();
    this.stopping = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    await this.idle();
    await this.journal.close();
  }

  getHistory(instanceId: string): HistoryEvent[] | undefined {
    const instance = this.state.instances.get(instanceId);
    return instance ? (JSON.parse(JSON.stringify(instance.history)) as HistoryEvent[]) : undefined;
  }

  listEntities(): Array<{ name: string; key: string; exists: boolean; state: unknown }> {
    return [...this.state.entities.values()].map((e) => ({ name: e.name, key: e.key, exists: e.exists, state: fromJsonText(e.state) }));
  }

  // ---- recovery ------------------------------------------------------------------------------

  /** Resumes whatever the journal shows as unfinished; returns how many orchestration instances that was. */
  resume(): number {
    let resumed = 0;
    for (const instance of this.state.instances.values()) {
      if (isTerminal(instance.runtimeStatus)) continue;
      resumed++;
      const recorded = new Set<number>();
      const fired = new Set<number>();
      const completionIds = (event: HistoryEvent): void => {
        if (event.EventType === EventType.TaskCompleted || event.EventType === EventType.TaskFailed) recorded.add(event.TaskScheduledId ?? -1);
        if (event.EventType === EventType.TimerFired) fired.add(event.TimerId ?? -1);
      };
      for (const event of instance.history) completionIds(event);
      for (const message of instance.inbox) {
        if (message.body.type === "event" && (message.executionId === undefined || message.executionId === instance.executionId)) completionIds(message.body.event);
      }
      for (const event of instance.history) {
        if (event.EventType === EventType.TaskScheduled && !recorded.has(event.EventId)) {
          this.startActivity(instance.instanceId, instance.executionId, event.EventId, event.Name ?? "", event.Input);
        } else if (event.EventType === EventType.TimerCreated && !fired.has(event.EventId)) {
          this.armTimer(instance.instanceId, instance.executionId, event.EventId, Date.parse(event.FireAt ?? ""));
        }
      }
      if (instance.inbox.length > 0) this.kick(instance.instanceId);
    }
    for (const instance of this.state.instances.values()) {
      // Messages to finished instances are dropped by an episode; clear them too.
      if (isTerminal(instance.runtimeStatus) && instance.inbox.length > 0) this.kick(instance.instanceId);
    }
    for (const entity of this.state.entities.values()) if (this.processableIndex(entity) >= 0) this.kick(entity.id);
    return resumed;
  }
}

/**
 * Creates the engine: loads (and compacts) the journal under `dataDir` when given, then resumes every
 * unfinished instance and entity.
 */
export async function createEngine(options: EngineOptions): Promise<LocalOrchestrationEngine> {
  const taskHubName = options.taskHubName ?? "LocalTaskHub";
  const state = emptyState();
  let journal: Journal = memoryJournal;
  let file: string | undefined;
  if (options.dataDir !== undefined) {
    file = journalPath(options.dataDir, taskHubName);
    const opened = await openJournal(file);
    for (const record of opened.records) applyRecord(state, record);
    journal = opened.journal;
    await journal.rewrite(snapshotRecords(state));
  }
  const engine = new Engine(options, state, journal, taskHubName, file);
  const resumed = engine.resume();
  // Said at every start from a journal, so a person restarting `npm start` sees what carried over.
  if (file !== undefined) (options.logger ?? stderrLogger).log("info", `Resumed ${resumed} unfinished orchestration instance${resumed === 1 ? "" : "s"} from the journal.`);
  return engine;
}
