/**
 * Runs one activity invocation and turns its outcome into what the extension records: the result as
 * JSON text, or a failure with the extension's Reason/Details text and - when the worker sent
 * structured failure details (durable-functions 3.5's ExceptionPropertiesProvider) - FailureDetails.
 */
import type { FailureDetailsWire } from "./history.js";
import { asRecord, toJsonText } from "./json.js";

/** How an activity ended. */
export type ActivityOutcome = { ok: true; result: string } | { ok: false; reason: string; details: string; failureDetails?: FailureDetailsWire };

/**
 * Structured failure details, when the worker replaced the error message with their JSON form
 * (`buildTaskFailureDetailsJson`); undefined for ordinary errors.
 */
export function structuredFailureDetails(message: string): FailureDetailsWire | undefined {
  if (!message.startsWith("{")) return undefined;
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = asRecord(JSON.parse(message) as unknown);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed.errorType !== "string" || typeof parsed.errorMessage !== "string") return undefined;
  const details: FailureDetailsWire = { ErrorType: parsed.errorType, ErrorMessage: parsed.errorMessage, IsNonRetriable: parsed.isNonRetriable === true };
  if (typeof parsed.stackTrace === "string") details.StackTrace = parsed.stackTrace;
  const properties = asRecord(parsed.properties);
  if (properties) details.Properties = properties;
  return details;
}

/** The failure the extension records for an error thrown by function `name` of kind `label`. */
export function failureFrom(label: "Activity" | "Orchestrator", name: string, error: unknown): Extract<ActivityOutcome, { ok: false }> {
  const err = error instanceof Error ? error : undefined;
  const message = err ? err.message : typeof error === "string" ? error : (toJsonText(error) ?? String(error));
  const structured = structuredFailureDetails(message);
  const friendly = structured?.ErrorMessage ?? message;
  const details = toJsonText({ ErrorType: structured?.ErrorType ?? err?.name ?? "Error", Message: friendly, StackTrace: structured?.StackTrace ?? err?.stack ?? null }) ?? "{}";
  return { ok: false, reason: `${label} function '${name}' failed: ${friendly}`, details, ...(structured ? { failureDetails: structured } : {}) };
}

/** Invokes the activity with its (JSON-decoded) input and records the outcome. */
export async function runActivityFunction(name: string, invoke: () => Promise<unknown>): Promise<ActivityOutcome> {
  try {
    const result: unknown = await invoke();
    // An activity that returns nothing reaches the orchestrator as null, as through the host.
    return { ok: true, result: toJsonText(result) ?? "null" };
  } catch (error) {
    return failureFrom("Activity", name, error);
  }
}
