/** The `autoRollout` entity (one per target, keyed by its name): the debounce window and recent decisions. */
import type { EntityContext } from "durable-functions";
import { applyAutoRolloutOperation, emptyAutoRolloutRecord, type AutoRolloutRecord } from "./autoRolloutRecord.js";

/** Entity handler: applies one operation to the target's record. */
export function autoRolloutEntity(context: EntityContext<AutoRolloutRecord>): void {
  const operation = context.df.operationName ?? "";
  const current = context.df.getState(emptyAutoRolloutRecord) ?? emptyAutoRolloutRecord();
  const { record, result } = applyAutoRolloutOperation(current, operation, context.df.getInput());
  context.df.setState(record);
  if (result !== undefined) context.df.return(result);
}
