/**
 * Runs a batch of operations on one function-based entity (`df.app.entity`) through durable-functions'
 * entity wrapper, with the `entityTrigger` binding the extension sends and its `EntityState` reply.
 */
import type { RpcTypedData } from "../worker/coreTypes.js";
import { stringData } from "../worker/typedData.js";
import { asRecord } from "./json.js";

/** One operation of a batch. */
export interface EntityOperation {
  id: string;
  name: string;
  signal: boolean;
  /** JSON text. */
  input: string | undefined;
}

/** The result of one operation. */
export interface EntityOperationResult {
  isError: boolean;
  /** JSON text (for errors, JSON of the thrown value, as durable-functions sends it). */
  result: string | undefined;
}

/** A signal an entity sent to another entity while running an operation. */
export interface EntitySignal {
  target: { name: string; key: string };
  name: string;
  input: string | undefined;
}

/** The entity's reply to a batch. */
export interface EntityBatchResult {
  exists: boolean;
  state: string | undefined;
  results: EntityOperationResult[];
  signals: EntitySignal[];
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Invokes the entity for `operations`; if the whole invocation throws, every operation fails with that error. */
export async function runEntityBatch(
  invoke: (trigger: RpcTypedData) => Promise<unknown>,
  entity: { name: string; key: string; exists: boolean; state: string | undefined },
  operations: readonly EntityOperation[],
): Promise<EntityBatchResult> {
  const binding = {
    self: { name: entity.name, key: entity.key },
    exists: entity.exists,
    state: entity.state,
    batch: operations.map((op) => ({ id: op.id, name: op.name, signal: op.signal, input: op.input })),
  };
  let reply: Record<string, unknown> | undefined;
  try {
    reply = asRecord(JSON.parse(JSON.stringify((await invoke(stringData(JSON.stringify(binding)))) ?? null)) as unknown);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { exists: entity.exists, state: entity.state, results: operations.map(() => ({ isError: true, result: JSON.stringify(message) })), signals: [] };
  }
  const rawResults = Array.isArray(reply?.results) ? reply.results : [];
  const results = operations.map((_, i): EntityOperationResult => {
    const item = asRecord(rawResults[i]);
    return { isError: item?.isError === true, result: stringOrUndefined(item?.result) };
  });
  const signals: EntitySignal[] = [];
  for (const raw of Array.isArray(reply?.signals) ? reply.signals : []) {
    const signal = asRecord(raw);
    const target = asRecord(signal?.target);
    if (!signal || !target || typeof target.name !== "string" || typeof target.key !== "string" || typeof signal.name !== "string") continue;
    signals.push({ target: { name: target.name, key: target.key }, name: signal.name, input: stringOrUndefined(signal.input) });
  }
  return { exists: reply?.entityExists === true, state: stringOrUndefined(reply?.entityState), results, signals };
}
