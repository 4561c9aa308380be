/**
 * The local Durable orchestration engine: runs the product's orchestrations, activities and entities,
 * captured from '@azure/functions' (see ../registry.ts), on the real durable-functions replay code,
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
 * - `idle()` resolves when no episode, activity or entity batch is queued or running; armed timers do
 *   not count, so tests drive time with `clock.advance(ms, () => engine.idle())`.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../shared/clock.js";
import type { CapturedDurableFunction, FunctionRegistry } from "../capture/registry.js";
import { runActivityFunction, failureFrom } from "./activityInvoker.js";
import {
  InstanceExistsError,
  DEFAULT_OVERRIDABLE_STATES,
  type OverridableStates,
  InstanceNotFoundError,
  InstanceNotRunningError,
  type EntityRef,
  type InstancePage,
  type InstanceQuery,
  type InstanceStatus,
  type OrchestrationEngine,
  type RuntimeStatus,
} from "./api.js";
import { runEntityBatch, type EntityOperation } from "./entityInvoker.js";
import { ENTITY_RELEASE_EVENT, ENTITY_REQUEST_EVENT, replayExtensionSide, type Decision, type EntityRequestMessage, type ReplayResult } from "./extensionReplay.js";
import { EventType, HistoryEvents, OrchestrationStatusNumber, type FailureDetailsWire, type HistoryEvent } from "./history.js";
import { createInvocationContext, stderrLogger, type EngineLogger, type ExtraInputsFiller, type ExtraInputsProvider } from "./invocation.js";
import { journalPath, memoryJournal, openJournal, type Journal } from "./journal.js";
import { asRecord, fromJsonText, toJsonText } from "./json.js";
import { AZURE_STORAGE_TIMER_LIMITS, buildOrchestrationBinding, invokeOrchestrator, type OrchestratorReply, type TimerLimits } from "./orchestratorInvoker.js";
import { toInstanceStatus } from "./statusView.js";
import {
  applyRecord,
  emptyState,
  entitySchedulerId,
  snapshotRecords,
  type EngineState,
  type EntityLock,
  type EntityRecord,
  type EntityStateRecord,
  type EpisodeRecord,
  type InboxBody,
  type InboxMessage,
  type InstanceStart,
  type InstanceState,
  type JournalRecord,
} from "./store.js";

/** How to build an engine. */
export interface EngineOptions {
  registry: FunctionRegistry;
  clock: Clock;
  /** Journal folder; undefined keeps everything in memory. */
  dataDir?: string;
  /** Names the journal file; default `LocalTaskHub`. */
  taskHubName?: string;
  /** Supplies values for declared extra inputs (e.g. the durable client binding), by input name. */
  extraInputs?: ExtraInputsProvider;
  /** Alternatively fills extra inputs on the context directly (the HTTP host's `ExtraInputsBuilder`). */
  fillExtraInputs?: ExtraInputsFiller;
  logger?: EngineLogger;
  /** Timer limits advertised to the orchestrator; default Azure Storage's (6 days / 3-day slices). */
  timerLimits?: TimerLimits;
  /** Instance ids for `startNew` without one; default a dash-less UUID, like the extension. */
  newInstanceId?: () => string;
  /** Which existing instances `startNew` may replace (host.json's overridableExistingInstanceStates); default NonRunningStates. */
  overridableExistingInstanceStates?: OverridableStates;
  /** Maximum operations per entity batch; default 50. */
  maxEntityBatch?: number;
}

/** Counters for diagnostics and benchmarks. */
export interface EngineStats {
  episodes: number;
  activityInvocations: number;
  entityBatches: number;
  journalRecords: number;
  /** Bytes appended to the journal since it was opened (and compacted). */
  journalBytes: number;
}

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

const TERMINAL: ReadonlySet<RuntimeStatus> = new Set<RuntimeStatus>(["Completed", "Failed", "Terminated", "Canceled"]);

function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL.has(status);
}

function newExecutionId(): string {
  return randomUUID().replaceAll("-", "");
}

type NewMessage = Omit<InboxMessage, "seq">;

class Engine implements LocalOrchestrationEngine {
  private readonly counters = { episodes: 0, activityInvocations: 0, entityBatches: 0, journalRecords: 0 };
  private busy = 0;
  private idleWaiters: Array<() => void> = [];
  private idleCheckQueued = false;
  private readonly work = new Map<string, { again: boolean }>();
  private readonly timers = new Map<string, () => void>();
  private stopping = false;
  private readonly logger: EngineLogger;
  private readonly timerLimits: TimerLimits;

  constructor(
    private readonly options: EngineOptions,
    private readonly state: EngineState,
    private readonly journal: Journal,
    readonly taskHubName: string,
    readonly journalFile: string | undefined,
  ) {
    this.logger = options.logger ?? stderrLogger;
    this.timerLimits = options.timerLimits ?? AZURE_STORAGE_TIMER_LIMITS;
  }

  get stats(): EngineStats {
    return { ...this.counters, journalBytes: this.journal.appendedBytes };
  }

  private get clock(): Clock {
    return this.options.clock;
  }

  private get registry(): FunctionRegistry {
    return this.options.registry;
  }

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

  // ---- plumbing ------------------------------------------------------------------------------

  private async clientOperation<T>(operation: () => Promise<T>): Promise<T> {
    if (this.stopping) throw new Error("The orchestration engine has been stopped.");
    this.busy++;
    try {
      return await operation();
    } finally {
      this.busy--;
      this.maybeIdle();
    }
  }

  private requireInstance(instanceId: string): InstanceState {
    const instance = this.state.instances.get(instanceId);
    if (!instance) throw new InstanceNotFoundError(instanceId);
    return instance;
  }

  private maybeIdle(): void {
    if (this.busy > 0 || this.idleWaiters.length === 0 || this.idleCheckQueued) return;
    this.idleCheckQueued = true;
    // Let already-resolved continuations register their follow-up work before declaring idleness.
    setImmediate(() => {
      this.idleCheckQueued = false;
      if (this.busy > 0) return;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    });
  }

  private message(fields: NewMessage): InboxMessage {
    return { seq: this.state.nextSeq++, ...fields };
  }

  /** Applies `record` to memory now and resolves once it is durable. */
  private commit(record: JournalRecord): Promise<void> {
    applyRecord(this.state, record);
    this.counters.journalRecords++;
    return this.journal.append(record);
  }

  /** Sends one message (journaled) and wakes its target. */
  private async send(fields: NewMessage): Promise<void> {
    const message = this.message(fields);
    await this.commit({ k: "msg", message });
    this.kick(message.target);
  }

  private kick(target: string): void {
    if (this.stopping) return;
    const slot = this.work.get(target);
    if (slot) {
      slot.again = true;
      return;
    }
    const fresh = { again: false };
    this.work.set(target, fresh);
    this.busy++;
    setImmediate(() => void this.drain(target, fresh));
  }

  private async drain(target: string, slot: { again: boolean }): Promise<void> {
    try {
      let progressed: boolean;
      do {
        slot.again = false;
        progressed = target.startsWith("@") ? await this.runEntityStep(target) : await this.runEpisode(target);
      } while (progressed && !this.stopping && (slot.again || this.hasWork(target)));
    } catch (error) {
      this.logger.log("error", `Engine work for '${target}' failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      this.work.delete(target);
      this.busy--;
      this.maybeIdle();
    }
  }

  private hasWork(target: string): boolean {
    if (target.startsWith("@")) {
      const entity = this.state.entities.get(target);
      return entity !== undefined && this.processableIndex(entity) >= 0;
    }
    return (this.state.instances.get(target)?.inbox.length ?? 0) > 0;
  }

  // ---- orchestration episodes ----------------------------------------------------------------

  private async runEpisode(instanceId: string): Promise<boolean> {
    const instance = this.state.instances.get(instanceId);
    if (!instance || instance.inbox.length === 0) return false;
    const batch = [...instance.inbox];
    const executionId = instance.executionId;
    const consumed = batch.map((m) => m.seq);
    const now = this.clock.now();
    const live = batch.filter((m) => m.executionId === undefined || m.executionId === executionId);
    if (isTerminal(instance.runtimeStatus)) {
      // Messages for a finished instance are dropped, as DurableTask does.
      await this.commit(this.episodeRecord(instance, { consumed, now, append: [], status: instance.runtimeStatus }));
      return true;
    }
    this.counters.episodes++;
    const newEvents: HistoryEvent[] = [HistoryEvents.orchestratorStarted(now)];
    let terminateReason: { reason: string | undefined } | undefined;
    for (const message of live) {
      if (message.body.type === "start") newEvents.push(this.executionStartedEvent(instance, message));
      else if (message.body.type === "event") newEvents.push(message.body.event);
      else if (message.body.type === "terminate") terminateReason ??= { reason: message.body.reason };
    }
    if (terminateReason) {
      await this.terminateEpisode(instance, consumed, now, newEvents, terminateReason.reason);
      return true;
    }
    if (instance.history.length === 0 && !newEvents.some((e) => e.EventType === EventType.ExecutionStarted)) {
      // Nothing can run before the execution has started; keep the messages for then.
      return false;
    }

    const fn = this.registry.orchestration(instance.name);
    const fullHistory = [...instance.history, ...newEvents];
    let replay: ReplayResult;
    let reply: OrchestratorReply | undefined;
    if (!fn) {
      replay = { decisions: [], failure: { kind: "InvalidAction", message: `The function '${instance.name}' doesn't exist, is disabled, or is not an orchestrator function.` }, heldLocks: [], lockRequestId: undefined };
    } else {
      reply = await this.invokeOrchestratorSafely(fn, instance, newEvents);
      if (this.state.instances.get(instanceId) !== instance || instance.executionId !== executionId) return true;
      // Without the orchestrator's state there are no actions to replay; the error alone fails the instance.
      replay = reply.stateMissing ? { decisions: [], heldLocks: [], lockRequestId: undefined } : replayExtensionSide(this.replayContext(instance), fullHistory, reply.actions);
    }
    await this.finishEpisode(instance, { consumed, now, newEvents, replay, reply });
    return true;
  }

  private executionStartedEvent(instance: InstanceState, message: InboxMessage): HistoryEvent {
    const body = message.body as Extract<InboxBody, { type: "start" }>;
    const parent = body.parent ?? instance.parent;
    return HistoryEvents.executionStarted(message.sentAt, {
      name: body.name,
      input: body.input,
      instance: { InstanceId: instance.instanceId, ExecutionId: instance.executionId },
      parent: parent ? { Name: parent.name, OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId }, TaskScheduleId: parent.taskScheduledId } : null,
    });
  }

  private async invokeOrchestratorSafely(fn: CapturedDurableFunction, instance: InstanceState, newEvents: HistoryEvent[]): Promise<OrchestratorReply> {
    const binding = buildOrchestrationBinding({
      instanceId: instance.instanceId,
      parentInstanceId: instance.parent?.instanceId,
      pastEvents: instance.history,
      newEvents,
      input: instance.input,
      timerLimits: this.timerLimits,
    });
    const context = createInvocationContext(fn, { logger: this.logger, provideExtraInputs: this.options.extraInputs, fillExtraInputs: this.options.fillExtraInputs });
    try {
      return await invokeOrchestrator(fn, binding, context);
    } catch (error) {
      return { isDone: false, actions: [], error: error instanceof Error ? error.message : String(error), stateMissing: true };
    }
  }

  private replayContext(instance: InstanceState): Parameters<typeof replayExtensionSide>[0] {
    return {
      instanceId: instance.instanceId,
      executionId: instance.executionId,
      name: instance.name,
      parentInstanceId: instance.parent?.instanceId,
      maximumShortTimerMs: this.timerLimits.maximumShortTimerMs,
      longRunningTimerIntervalMs: this.timerLimits.longRunningTimerIntervalMs,
      functionExists: (kind, name) =>
        kind === "activity" ? this.registry.activity(name) !== undefined : kind === "orchestration" ? this.registry.orchestration(name) !== undefined : this.registry.entity(name) !== undefined,
      onRetryTimeout: (functionName) =>
        this.logger.log(
          "warn",
          `Retries of '${functionName}' in instance '${instance.instanceId}' stopped: the retry timeout has passed. The extension sends the orchestrator no further event, so durable-functions 3.5 waits forever (azure-functions-durable-js#629).`,
        ),
    };
  }

  private async finishEpisode(
    instance: InstanceState,
    episode: { consumed: number[]; now: number; newEvents: HistoryEvent[]; replay: ReplayResult; reply: OrchestratorReply | undefined },
  ): Promise<void> {
    const { now, replay, reply } = episode;
    const decisions = replay.decisions;
    const append = [...episode.newEvents, ...decisions.map((d) => this.decisionEvent(now, d))];
    const out: InboxMessage[] = [];
    const starts: InstanceStart[] = [];
    for (const decision of decisions) this.routeDecision(instance, decision, now, out, starts);

    let status: RuntimeStatus = "Running";
    let output: string | undefined;
    let failureDetails: FailureDetailsWire | undefined;
    let next: EpisodeRecord["next"];
    if (replay.failure) {
      status = "Failed";
      output = toJsonText(replay.failure.kind === "NonDeterminism" ? replay.failure.message : `Orchestrator function '${instance.name}' failed: ${replay.failure.message}`);
    } else if (reply?.error !== undefined) {
      status = "Failed";
      output = toJsonText(`Orchestrator function '${instance.name}' failed: ${reply.error}`);
      failureDetails = reply.failureDetails;
    } else if (reply?.isDone) {
      if (replay.continueAsNew) {
        status = "ContinuedAsNew";
        const executionId = newExecutionId();
        const input = replay.continueAsNew.input;
        next = { executionId, input, message: this.message({ target: instance.instanceId, executionId, sentAt: now, body: { type: "start", name: instance.name, input } }) };
      } else {
        status = "Completed";
        output = toJsonText(reply.output);
      }
    }
    if (status === "Completed" || status === "Failed") {
      const statusNumber = status === "Completed" ? OrchestrationStatusNumber.Completed : OrchestrationStatusNumber.Failed;
      append.push(HistoryEvents.executionCompleted(now, statusNumber, output, failureDetails));
      this.notifyParent(instance, status, output, failureDetails, now, out);
    }
    append.push(HistoryEvents.orchestratorCompleted(now));
    const finished = status !== "Running";
    const heldLocks = replay.heldLocks.length > 0 ? { entities: replay.heldLocks, requestId: replay.lockRequestId } : null;
    // An orchestration that ends while holding entity locks releases them, as the extension does (a
    // failed replay may not have reached its lock again, so fall back to the locks last recorded).
    const toRelease = finished ? (heldLocks ?? instance.locks) : undefined;
    for (const entity of toRelease?.entities ?? []) out.push(this.releaseMessage(entity, instance.instanceId, toRelease?.requestId, now));

    const customStatus = reply?.customStatus === undefined ? undefined : toJsonText(reply.customStatus);
    const record = this.episodeRecord(instance, { consumed: episode.consumed, now, append, status, output, failureDetails, out, starts, next, customStatus, locks: finished ? null : heldLocks });
    const executionId = instance.executionId;
    await this.commit(record);

    if (replay.failure) this.logger.log("error", `Orchestration '${instance.instanceId}' failed: ${replay.failure.message}`);
    for (const decision of decisions) {
      if (decision.kind === "ScheduleTask") this.startActivity(instance.instanceId, executionId, decision.id, decision.name, decision.input);
      else if (decision.kind === "CreateTimer") this.armTimer(instance.instanceId, executionId, decision.id, decision.fireAt);
    }
    for (const message of out) this.kick(message.target);
    for (const start of starts) this.kick(start.instanceId);
    if (finished) this.cancelTimers(instance.instanceId, executionId);
    if (next) this.kick(instance.instanceId);
  }

  private episodeRecord(
    instance: InstanceState,
    fields: {
      consumed: number[];
      now: number;
      append: HistoryEvent[];
      status: RuntimeStatus;
      output?: string;
      failureDetails?: FailureDetailsWire;
      out?: InboxMessage[];
      starts?: InstanceStart[];
      next?: EpisodeRecord["next"];
      customStatus?: string;
      locks?: EpisodeRecord["locks"];
    },
  ): EpisodeRecord {
    const record: EpisodeRecord = {
      k: "episode",
      instanceId: instance.instanceId,
      executionId: instance.executionId,
      consumed: fields.consumed,
      append: fields.append,
      status: fields.status,
      updated: fields.now,
      out: fields.out ?? [],
      starts: fields.starts ?? [],
    };
    if (fields.output !== undefined) record.output = fields.output;
    if (fields.customStatus !== undefined) record.customStatus = fields.customStatus;
    if (fields.failureDetails !== undefined) record.failureDetails = fields.failureDetails;
    if (fields.locks !== undefined) record.locks = fields.locks;
    if (fields.next) record.next = fields.next;
    return record;
  }

  private decisionEvent(now: number, decision: Decision): HistoryEvent {
    switch (decision.kind) {
      case "ScheduleTask":
        return HistoryEvents.taskScheduled(now, decision.id, decision.name, decision.input);
      case "CreateTimer":
        return HistoryEvents.timerCreated(now, decision.id, decision.fireAt);
      case "CreateSubOrchestration":
        return HistoryEvents.subOrchestrationCreated(now, decision.id, decision.name, decision.instanceId, decision.input);
      case "SendEvent":
        return HistoryEvents.eventSent(now, decision.id, decision.instanceId, decision.eventName, decision.data);
    }
  }

  private routeDecision(instance: InstanceState, decision: Decision, now: number, out: InboxMessage[], starts: InstanceStart[]): void {
    if (decision.kind === "CreateSubOrchestration") {
      const existing = this.state.instances.get(decision.instanceId);
      if (existing && !isTerminal(existing.runtimeStatus)) {
        const reason = `An orchestration with instance id '${decision.instanceId}' already exists and is not finished.`;
        const event = HistoryEvents.subOrchestrationFailed(now, decision.id, reason, toJsonText({ Message: reason }) ?? "");
        out.push(this.message({ target: instance.instanceId, executionId: instance.executionId, sentAt: now, body: { type: "event", event } }));
        return;
      }
      const executionId = newExecutionId();
      const parent = { instanceId: instance.instanceId, executionId: instance.executionId, taskScheduledId: decision.id, name: instance.name };
      const message = this.message({ target: decision.instanceId, executionId, sentAt: now, body: { type: "start", name: decision.name, input: decision.input, parent } });
      starts.push({ instanceId: decision.instanceId, name: decision.name, executionId, input: decision.input, createdTime: now, parent, message });
      return;
    }
    if (decision.kind !== "SendEvent") return;
    if (!decision.instanceId.startsWith("@")) {
      const event = HistoryEvents.eventRaised(now, decision.eventName, decision.data);
      out.push(this.message({ target: decision.instanceId, sentAt: now, body: { type: "event", event } }));
      return;
    }
    const payload = asRecord(fromJsonText(decision.data));
    if (decision.eventName === ENTITY_RELEASE_EVENT) {
      out.push(this.releaseMessage(decision.instanceId, instance.instanceId, typeof payload?.id === "string" ? payload.id : undefined, now));
    } else if (decision.eventName === ENTITY_REQUEST_EVENT && payload && typeof payload.id === "string") {
      out.push(this.message({ target: decision.instanceId, sentAt: now, body: { type: "entityRequest", request: payload as unknown as EntityRequestMessage } }));
    }
  }

  private releaseMessage(entity: string, owner: string, lockRequestId: string | undefined, now: number): InboxMessage {
    return this.message({ target: entity, sentAt: now, body: { type: "entityRelease", parent: owner, lockRequestId } });
  }

  private notifyParent(instance: InstanceState, status: RuntimeStatus, output: string | undefined, failureDetails: FailureDetailsWire | undefined, now: number, out: InboxMessage[]): void {
    const parent = instance.parent;
    if (!parent) return;
    let event: HistoryEvent;
    if (status === "Completed") {
      event = HistoryEvents.subOrchestrationCompleted(now, parent.taskScheduledId, output ?? "null");
    } else {
      // A failed orchestrator's output is its message; a terminated one's is the reason given, any JSON.
      const given = fromJsonText(output);
      const reason = typeof given === "string" ? given : given === undefined ? `Orchestrator function '${instance.name}' ${status.toLowerCase()}.` : JSON.stringify(given);
      event = HistoryEvents.subOrchestrationFailed(now, parent.taskScheduledId, reason, toJsonText({ Message: reason, InstanceId: instance.instanceId }) ?? "", failureDetails);
    }
    out.push(this.message({ target: parent.instanceId, executionId: parent.executionId, sentAt: now, body: { type: "event", event } }));
  }

  private async terminateEpisode(instance: InstanceState, consumed: number[], now: number, newEvents: HistoryEvent[], reason: string | undefined): Promise<void> {
    const output = toJsonText(reason ?? null);
    const append = [
      ...newEvents,
      HistoryEvents.executionTerminated(now, output),
      HistoryEvents.executionCompleted(now, OrchestrationStatusNumber.Terminated, output),
      HistoryEvents.orchestratorCompleted(now),
    ];
    const out: InboxMessage[] = [];
    this.notifyParent(instance, "Terminated", toJsonText(reason ?? `Orchestrator function '${instance.name}' was terminated.`), undefined, now, out);
    for (const entity of instance.locks?.entities ?? []) out.push(this.releaseMessage(entity, instance.instanceId, instance.locks?.requestId, now));
    const executionId = instance.executionId;
    await this.commit(this.episodeRecord(instance, { consumed, now, append, status: "Terminated", output, out, locks: null }));
    this.cancelTimers(instance.instanceId, executionId);
    for (const message of out) this.kick(message.target);
  }

  // ---- activities and timers -----------------------------------------------------------------

  private startActivity(instanceId: string, executionId: string, taskId: number, name: string, input: string | undefined): void {
    this.busy++;
    this.counters.activityInvocations++;
    void (async () => {
      try {
        const fn = this.registry.activity(name);
        const outcome = fn
          ? await runActivityFunction(
              fn,
              fromJsonText(input),
              // The activity trigger's binding data names the calling instance.
              createInvocationContext(fn, { logger: this.logger, provideExtraInputs: this.options.extraInputs, fillExtraInputs: this.options.fillExtraInputs, triggerMetadata: { instanceId } }),
            )
          : failureFrom("Activity", name, new Error(`The function '${name}' doesn't exist, is disabled, or is not an activity function.`));
        const at = this.clock.now();
        const event = outcome.ok ? HistoryEvents.taskCompleted(at, taskId, outcome.result) : HistoryEvents.taskFailed(at, taskId, outcome.reason, outcome.details, outcome.failureDetails);
        await this.send({ target: instanceId, executionId, sentAt: at, body: { type: "event", event } });
      } catch (error) {
        this.logger.log("error", `Recording the result of activity '${name}' for '${instanceId}' failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.busy--;
        this.maybeIdle();
      }
    })();
  }

  private timerKey(instanceId: string, executionId: string, timerId: number): string {
    return `${instanceId}\u0000${executionId}\u0000${timerId}`;
  }

  private armTimer(instanceId: string, executionId: string, timerId: number, fireAt: number): void {
    const key = this.timerKey(instanceId, executionId, timerId);
    if (this.timers.has(key) || this.stopping) return;
    const cancel = this.clock.schedule(fireAt, () => {
      this.timers.delete(key);
      if (this.stopping) return;
      this.busy++;
      const now = this.clock.now();
      const event = HistoryEvents.timerFired(now, timerId, new Date(fireAt).toISOString());
      this.send({ target: instanceId, executionId, sentAt: now, body: { type: "event", event } })
        .catch((error: unknown) => this.logger.log("error", `Recording a timer for '${instanceId}' failed: ${String(error)}`))
        .finally(() => {
          this.busy--;
          this.maybeIdle();
        });
    });
    this.timers.set(key, cancel);
  }

  private cancelTimers(instanceId: string, executionId?: string): void {
    const prefix = executionId === undefined ? `${instanceId}\u0000` : `${instanceId}\u0000${executionId}\u0000`;
    for (const [key, cancel] of this.timers) {
      if (key.startsWith(prefix)) {
        cancel();
        this.timers.delete(key);
      }
    }
  }

  // ---- entities ------------------------------------------------------------------------------

  private isProcessable(entity: EntityStateRecord, message: InboxMessage): boolean {
    if (!entity.lock) return true;
    const body = message.body;
    if (body.type === "entityRelease") return body.parent === entity.lock.owner;
    return body.type === "entityRequest" && body.request.parent === entity.lock.owner;
  }

  private processableIndex(entity: EntityStateRecord): number {
    return entity.inbox.findIndex((m) => this.isProcessable(entity, m));
  }

  private entityRecord(entity: EntityStateRecord, fields: { consumed: number[]; exists?: boolean; state?: string | undefined; lock: EntityLock | null; out: InboxMessage[]; now: number }): EntityRecord {
    const record: EntityRecord = {
      k: "entity",
      id: entity.id,
      name: entity.name,
      key: entity.key,
      consumed: fields.consumed,
      exists: fields.exists ?? entity.exists,
      lock: fields.lock,
      updated: fields.now,
      out: fields.out,
    };
    const state = "state" in fields ? fields.state : entity.state;
    if (state !== undefined) record.state = state;
    return record;
  }

  /** Processes the next step of an entity's inbox: a lock change, or a batch of operations. */
  private async runEntityStep(id: string): Promise<boolean> {
    const entity = this.state.entities.get(id);
    if (!entity) return false;
    const first = this.processableIndex(entity);
    if (first < 0) return false;
    const message = entity.inbox[first]!;
    const now = this.clock.now();
    if (message.body.type === "entityRelease") {
      await this.commit(this.entityRecord(entity, { consumed: [message.seq], lock: null, out: [], now }));
      this.kick(id);
      return true;
    }
    if (message.body.type !== "entityRequest") {
      await this.commit(this.entityRecord(entity, { consumed: [message.seq], lock: entity.lock ?? null, out: [], now }));
      return true;
    }
    const request = message.body.request;
    if (request.lockset) {
      await this.acquireLock(entity, message.seq, request, now);
      return true;
    }
    const batch: Array<{ seq: number; request: EntityRequestMessage }> = [];
    for (const candidate of entity.inbox.slice(first)) {
      if (batch.length >= (this.options.maxEntityBatch ?? 50)) break;
      if (!this.isProcessable(entity, candidate)) continue;
      if (candidate.body.type !== "entityRequest" || candidate.body.request.lockset) break;
      batch.push({ seq: candidate.seq, request: candidate.body.request });
    }
    await this.runEntityOperations(entity, batch);
    return true;
  }

  private async acquireLock(entity: EntityStateRecord, seq: number, request: EntityRequestMessage, now: number): Promise<void> {
    const owner = request.parent ?? "";
    const lockSet = request.lockset ?? [];
    const position = request.pos ?? 0;
    const out: InboxMessage[] = [];
    const nextEntity = lockSet[position + 1];
    if (nextEntity) {
      out.push(this.message({ target: nextEntity, sentAt: now, body: { type: "entityRequest", request: { ...request, pos: position + 1 } } }));
    } else {
      const event = HistoryEvents.eventRaised(now, request.id, toJsonText({ result: toJsonText("Lock Acquisition Completed") }));
      out.push(this.message({ target: owner, executionId: request.parentExecution, sentAt: now, body: { type: "event", event } }));
    }
    await this.commit(this.entityRecord(entity, { consumed: [seq], lock: { owner, ownerExecution: request.parentExecution, requestId: request.id }, out, now }));
    for (const message of out) this.kick(message.target);
  }

  private async runEntityOperations(entity: EntityStateRecord, batch: Array<{ seq: number; request: EntityRequestMessage }>): Promise<void> {
    this.counters.entityBatches++;
    const fn = this.registry.entity(entity.name);
    const operations: EntityOperation[] = batch.map(({ request }) => ({ id: request.id, name: request.op ?? "", signal: request.signal === true, input: request.input ?? undefined }));
    const result = fn
      ? await runEntityBatch(fn, entity, operations, createInvocationContext(fn, { logger: this.logger, provideExtraInputs: this.options.extraInputs, fillExtraInputs: this.options.fillExtraInputs }))
      : {
          exists: entity.exists,
          state: entity.state,
          results: operations.map(() => ({ isError: true, result: toJsonText(`The function '${entity.name}' doesn't exist, is disabled, or is not an entity function.`) })),
          signals: [],
        };
    const at = this.clock.now();
    const out: InboxMessage[] = [];
    batch.forEach(({ request }, i) => {
      if (request.signal || !request.parent) return;
      const operation = result.results[i] ?? { isError: true, result: undefined };
      const response: Record<string, unknown> = { result: operation.result };
      if (operation.isError) response.exceptionType = "Error";
      const event = HistoryEvents.eventRaised(at, request.id, toJsonText(response));
      out.push(this.message({ target: request.parent, executionId: request.parentExecution, sentAt: at, body: { type: "event", event } }));
    });
    for (const signal of result.signals) {
      const request: EntityRequestMessage = { op: signal.name, signal: true, input: signal.input ?? null, id: randomUUID() };
      out.push(this.message({ target: entitySchedulerId(signal.target.name, signal.target.key), sentAt: at, body: { type: "entityRequest", request } }));
    }
    await this.commit(
      this.entityRecord(entity, { consumed: batch.map((b) => b.seq), exists: result.exists, state: result.exists ? result.state : undefined, lock: entity.lock ?? null, out, now: at }),
    );
    for (const message of out) this.kick(message.target);
  }

  // ---- recovery ------------------------------------------------------------------------------

  /** Resumes whatever the journal shows as unfinished. */
  resume(): void {
    for (const instance of this.state.instances.values()) {
      if (isTerminal(instance.runtimeStatus)) continue;
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
  engine.resume();
  return engine;
}
