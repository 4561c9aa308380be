/** The `deployTarget` entity: per-app single flight, quarantine and last known good. */
import type { EntityContext } from "durable-functions";
import { applyTargetOperation, emptyTargetRecord, type TargetRecord } from "./targetRecord.js";

/** Entity handler: applies one operation to the app's record. */
export function deployTargetEntity(context: EntityContext<TargetRecord>): void {
  const operation = context.df.operationName ?? "";
  const current = context.df.getState(emptyTargetRecord) ?? emptyTargetRecord();
  const { record, result } = applyTargetOperation(current, operation, context.df.getInput());
  context.df.setState(record);
  if (result !== undefined) context.df.return(result);
}
