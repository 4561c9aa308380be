import { randomUUID } from "node:crypto";
import type { Clock } from "../../common/clock.js";
import type { FunctionRegistry } from "../worker/functionRegistry.js";
import type { RpcTypedData } from "../worker/coreTypes.js";
import type { IndexedFunction } from "../worker/hostIndexing.js";
import { InstanceNotFoundError, type RuntimeStatus } from "./api.js";
import { durableInvoker, stderrLogger, type DurableInvoker, type EngineLogger } from "./invocation.js";
import type { Journal } from "./journal.js";
import { AZURE_STORAGE_TIMER_LIMITS, type TimerLimits } from "./orchestratorInvoker.js";
import { applyRecord, type EngineState, type EntityStateRecord, type InboxMessage, type InstanceState, type JournalRecord } from "./store.js";
import type { EngineOptions } from "./engineOptions.js";

const TERMINAL: ReadonlySet<RuntimeStatus> = new Set<RuntimeStatus>(["Completed", "Failed", "Terminated", "Canceled"]);

/** True for the statuses an instance ends in. */
export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL.has(status);
}

/** A new execution id: a dash-less UUID, as DurableTask makes them. */
export function newExecutionId(): string {
  return randomUUID().replaceAll("-", "");
}

/** A message before the scheduler gives it its sequence number. */
export type NewMessage = Omit<InboxMessage, "seq">;

/** Counters for diagnostics and benchmarks. */
export interface EngineStats {
  episodes: number;
  activityInvocations: number;
  entityBatches: number;
  journalRecords: number;
  /** Bytes appended to the journal since it was opened (and compacted). */
  journalBytes: number;
}

/**
 * The engine's scheduler: per-target work loops (one episode or entity step at a time per instance or
 * entity), the busy count behind idle(), and the journal commit every state change goes through.
 * The episode, entity, activity and timer layers build on it (engineTimers.ts, engineEntities.ts,
 * engineEpisodes.ts); the client facade on top is engine.ts.
 */
export abstract class EngineScheduler {
  protected readonly counters = { episodes: 0, activityInvocations: 0, entityBatches: 0, journalRecords: 0 };
  protected busy = 0;
  protected idleWaiters: Array<() => void> = [];
  protected idleCheckQueued = false;
  protected readonly work = new Map<string, { again: boolean }>();
  protected readonly timers = new Map<string, () => void>();
  protected stopping = false;
  protected readonly logger: EngineLogger;
  protected readonly timerLimits: TimerLimits;

  constructor(
    protected readonly options: EngineOptions,
    protected readonly state: EngineState,
    protected readonly journal: Journal,
    readonly taskHubName: string,
    readonly journalFile: string | undefined,
  ) {
    this.logger = options.logger ?? stderrLogger;
    this.timerLimits = options.timerLimits ?? AZURE_STORAGE_TIMER_LIMITS;
  }

  get stats(): EngineStats {
    return { ...this.counters, journalBytes: this.journal.appendedBytes };
  }

  protected get clock(): Clock {
    return this.options.clock;
  }

  protected get registry(): FunctionRegistry {
    return this.options.registry;
  }

  private invoker: DurableInvoker | undefined;

  /** Runs a Durable function through the worker (see invocation.ts). */
  protected invokeDurable(fn: IndexedFunction, trigger: RpcTypedData | undefined, triggerMetadata?: Record<string, RpcTypedData>): Promise<unknown> {
    this.invoker ??= durableInvoker(this.registry, this.logger, this.options.extraInputs);
    return this.invoker(fn, trigger, triggerMetadata);
  }

  // ---- plumbing ------------------------------------------------------------------------------

  protected async clientOperation<T>(operation: () => Promise<T>): Promise<T> {
    if (this.stopping) throw new Error("The orchestration engine has been stopped.");
    this.busy++;
    try {
      return await operation();
    } finally {
      this.busy--;
      this.maybeIdle();
    }
  }

  protected requireInstance(instanceId: string): InstanceState {
    const instance = this.state.instances.get(instanceId);
    if (!instance) throw new InstanceNotFoundError(instanceId);
    return instance;
  }

  protected maybeIdle(): void {
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

  protected message(fields: NewMessage): InboxMessage {
    return { seq: this.state.nextSeq++, ...fields };
  }

  /** Applies `record` to memory now and resolves once it is durable. */
  protected commit(record: JournalRecord): Promise<void> {
    applyRecord(this.state, record);
    this.counters.journalRecords++;
    return this.journal.append(record);
  }

  /** Sends one message (journaled) and wakes its target. */
  protected async send(fields: NewMessage): Promise<void> {
    const message = this.message(fields);
    await this.commit({ k: "msg", message });
    this.kick(message.target);
  }

  protected kick(target: string): void {
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

  protected async drain(target: string, slot: { again: boolean }): Promise<void> {
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

  protected hasWork(target: string): boolean {
    if (target.startsWith("@")) {
      const entity = this.state.entities.get(target);
      return entity !== undefined && this.processableIndex(entity) >= 0;
    }
    return (this.state.instances.get(target)?.inbox.length ?? 0) > 0;
  }

  /** One episode of an orchestration's inbox (engineEpisodes.ts). */
  protected abstract runEpisode(instanceId: string): Promise<boolean>;

  /** One step of an entity's inbox (engineEntities.ts). */
  protected abstract runEntityStep(id: string): Promise<boolean>;

  /** Index of the first message an entity can take now, or -1 (engineEntities.ts). */
  protected abstract processableIndex(entity: EntityStateRecord): number;
}
