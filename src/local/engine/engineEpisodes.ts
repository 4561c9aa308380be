import type { IndexedFunction } from "../worker/hostIndexing.js";
import type { RuntimeStatus } from "./api.js";
import { ENTITY_RELEASE_EVENT, ENTITY_REQUEST_EVENT, replayExtensionSide, type Decision, type EntityRequestMessage, type ReplayResult } from "./extensionReplay.js";
import { EventType, HistoryEvents, OrchestrationStatusNumber, type FailureDetailsWire, type HistoryEvent } from "./history.js";
import { asRecord, fromJsonText, toJsonText } from "./json.js";
import { buildOrchestrationBinding, invokeOrchestrator, type OrchestratorReply } from "./orchestratorInvoker.js";
import type { EpisodeRecord, InboxBody, InboxMessage, InstanceStart, InstanceState } from "./store.js";
import { EngineEntities } from "./engineEntities.js";
import { isTerminal, newExecutionId } from "./engineScheduler.js";

/**
 * Orchestration episodes: the inbox taken as one episode, the orchestrator invoked with the full
 * history, its actions replayed extension-side into decisions, and the episode's record committed
 * before any side effect (activities, timers, messages) starts.
 */
export abstract class EngineEpisodes extends EngineEntities {
  // ---- orchestration episodes ----------------------------------------------------------------

  protected async runEpisode(instanceId: string): Promise<boolean> {
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

  protected executionStartedEvent(instance: InstanceState, message: InboxMessage): HistoryEvent {
    const body = message.body as Extract<InboxBody, { type: "start" }>;
    const parent = body.parent ?? instance.parent;
    return HistoryEvents.executionStarted(message.sentAt, {
      name: body.name,
      input: body.input,
      instance: { InstanceId: instance.instanceId, ExecutionId: instance.executionId },
      parent: parent ? { Name: parent.name, OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId }, TaskScheduleId: parent.taskScheduledId } : null,
    });
  }

  protected async invokeOrchestratorSafely(fn: IndexedFunction, instance: InstanceState, newEvents: HistoryEvent[]): Promise<OrchestratorReply> {
    const binding = buildOrchestrationBinding({
      instanceId: instance.instanceId,
      parentInstanceId: instance.parent?.instanceId,
      pastEvents: instance.history,
      newEvents,
      input: instance.input,
      timerLimits: this.timerLimits,
    });
    try {
      return await invokeOrchestrator((trigger) => this.invokeDurable(fn, trigger), binding);
    } catch (error) {
      return { isDone: false, actions: [], error: error instanceof Error ? error.message : String(error), stateMissing: true };
    }
  }

  protected replayContext(instance: InstanceState): Parameters<typeof replayExtensionSide>[0] {
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

  protected async finishEpisode(
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

  protected episodeRecord(
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

  protected decisionEvent(now: number, decision: Decision): HistoryEvent {
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

  protected routeDecision(instance: InstanceState, decision: Decision, now: number, out: InboxMessage[], starts: InstanceStart[]): void {
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

  protected releaseMessage(entity: string, owner: string, lockRequestId: string | undefined, now: number): InboxMessage {
    return this.message({ target: entity, sentAt: now, body: { type: "entityRelease", parent: owner, lockRequestId } });
  }

  protected notifyParent(instance: InstanceState, status: RuntimeStatus, output: string | undefined, failureDetails: FailureDetailsWire | undefined, now: number, out: InboxMessage[]): void {
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

  protected async terminateEpisode(instance: InstanceState, consumed: number[], now: number, newEvents: HistoryEvent[], reason: string | undefined): Promise<void> {
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
}
