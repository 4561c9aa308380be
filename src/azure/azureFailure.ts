/**
 * Turns an error thrown by an Azure SDK call into a plain, serializable record that keeps the ARM
 * error code and the correlation id, so an orchestration can report exactly which call failed.
 */
import { isRestError } from "./restError.js";

/** What the product records about a failed Azure call. Safe to log: no headers, tokens or bodies. */
export interface AzureFailure {
  statusCode: number | undefined;
  /** The ARM error code, e.g. `AuthorizationFailed`. */
  code: string | undefined;
  message: string;
  /** `x-ms-correlation-request-id` of the failing response. */
  correlationId: string | undefined;
}

/** Extracts the ARM code, status and correlation id from a thrown SDK error. */
export function toAzureFailure(error: unknown): AzureFailure {
  if (isRestError(error)) {
    return {
      statusCode: error.statusCode,
      code: error.code,
      message: error.message,
      correlationId: error.response?.headers.get("x-ms-correlation-request-id") ?? undefined,
    };
  }
  return { statusCode: undefined, code: undefined, message: error instanceof Error ? error.message : String(error), correlationId: undefined };
}

/**
 * Whether retrying could help: throttling, server faults and network errors are transient; other 4xx
 * answers (403, 404, 409, 400) will not change by asking again.
 */
export function isTransient(failure: AzureFailure): boolean {
  if (failure.statusCode === undefined) return true;
  return failure.statusCode === 408 || failure.statusCode === 429 || failure.statusCode >= 500;
}
