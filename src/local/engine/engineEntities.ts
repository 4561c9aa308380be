import { randomUUID } from "node:crypto";
import { runEntityBatch, type EntityOperation } from "./entityInvoker.js";
import type { EntityRequestMessage } from "./extensionReplay.js";
import { HistoryEvents } from "./history.js";
import { toJsonText } from "./json.js";
import { entitySchedulerId, type EntityLock, type EntityRecord, type EntityStateRecord, type InboxMessage } from "./store.js";
import { EngineTimers } from "./engineTimers.js";

/** Entities: lock requests and releases, and batches of operations, one step per work-loop turn. */
export abstract class EngineEntities extends EngineTimers {
  // ---- entities ------------------------------------------------------------------------------

  protected isProcessable(entity: EntityStateRecord, message: InboxMessage): boolean {
    if (!entity.lock) return true;
    const body = message.body;
    if (body.type === "entityRelease") return body.parent === entity.lock.owner;
    return body.type === "entityRequest" && body.request.parent === entity.lock.owner;
  }

  protected processableIndex(entity: EntityStateRecord): number {
    return entity.inbox.findIndex((m) => this.isProcessable(entity, m));
  }

  protected entityRecord(entity: EntityStateRecord, fields: { consumed: number[]; exists?: boolean; state?: string | undefined; lock: EntityLock | null; out: InboxMessage[]; now: number }): EntityRecord {
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
  protected async runEntityStep(id: string): Promise<boolean> {
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

  protected async acquireLock(entity: EntityStateRecord, seq: number, request: EntityRequestMessage, now: number): Promise<void> {
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

  protected async runEntityOperations(entity: EntityStateRecord, batch: Array<{ seq: number; request: EntityRequestMessage }>): Promise<void> {
    this.counters.entityBatches++;
    const fn = this.registry.entity(entity.name);
    const operations: EntityOperation[] = batch.map(({ request }) => ({ id: request.id, name: request.op ?? "", signal: request.signal === true, input: request.input ?? undefined }));
    const result = fn
      ? await runEntityBatch((trigger) => this.invokeDurable(fn, trigger), entity, operations)
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
}
