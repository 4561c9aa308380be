/**
 * How activities treat a failed Azure call: a fault worth retrying (throttling, 5xx, network) is
 * thrown so the orchestrator's retry policy applies; anything else (403, 404, 409, 400) becomes an
 * {@link ActivityFailure} the orchestrator reports. Both keep the status, the ARM (or ACR) error code
 * and the `x-ms-correlation-request-id`; neither carries headers, bodies or URL query strings, so a
 * SAS token in a failing URL never reaches the Durable history or a log.
 */
import { isRestError } from "../azure/restError.js";
import { isTransient, toAzureFailure, type AzureFailure } from "../azure/azureFailure.js";
import { AzureCallError } from "../domain/errors.js";
import { failureFromAzure, type ActivityFailure } from "./contracts.js";

/** Replaces the query string of every URL in `text` (SAS tokens live there) and any stray `sig=` value. */
export function redactUrls(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#"'<>]*)\?[^\s#"'<>]*/gi, "$1?<redacted>").replace(/\bsig=[^&\s"'<>]+/gi, "sig=<redacted>");
}

/**
 * The first error code of an ACR data-plane (Distribution API) error body, e.g. `MANIFEST_UNKNOWN`:
 * the SDK leaves `RestError.code` unset for `{ "errors": [{ "code", "message" }] }` bodies.
 */
export function registryErrorCode(error: unknown): string | undefined {
  if (!isRestError(error)) return undefined;
  const text = error.response?.bodyAsText;
  if (!text) return undefined;
  try {
    const body = JSON.parse(text) as { errors?: { code?: unknown }[] };
    const code = body.errors?.[0]?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The failure record of an SDK error: the code from the ARM body, else ACR's data-plane body, else
 * Storage's `x-ms-error-code` header (a HEAD has no body); URLs redacted; never an empty message.
 */
export function describeAzureError(error: unknown): AzureFailure {
  const failure = toAzureFailure(error);
  const headerCode = isRestError(error) ? (error.response?.headers.get("x-ms-error-code") ?? undefined) : undefined;
  const message = redactUrls(failure.message) || (failure.statusCode !== undefined ? `HTTP ${failure.statusCode}` : "no response");
  return { ...failure, code: failure.code ?? registryErrorCode(error) ?? headerCode, message };
}

/** The error an activity throws for a transient fault: message names the call, status, code and correlation id. */
export function transientError(failure: AzureFailure, action: string): AzureCallError {
  const facts = [
    failure.statusCode !== undefined ? `status ${failure.statusCode}` : "no response",
    failure.code !== undefined ? `code ${failure.code}` : undefined,
    failure.correlationId !== undefined ? `correlation id ${failure.correlationId}` : undefined,
  ].filter((fact) => fact !== undefined);
  return new AzureCallError(`${action} failed, retryable (${facts.join(", ")}): ${failure.message}`, failure.statusCode, failure.code, failure.correlationId);
}

/**
 * Classifies an error caught from an Azure call made to `action` (e.g. "read container app web"):
 * throws when retrying could help, otherwise returns the failure to report. `code` overrides the
 * reported code (e.g. `ContainerAppNotFound` for a 404) and `message` the text.
 */
export function failureOrThrow(error: unknown, action: string, override: { code?: string; message?: string } = {}): ActivityFailure {
  const failure = describeAzureError(error);
  if (isTransient(failure)) throw transientError(failure, action);
  return failureFromAzure({
    ...failure,
    code: override.code ?? failure.code,
    message: override.message ?? `${action} failed: ${failure.message}`,
  });
}

/** The HTTP status of an SDK error, if it came with a response. */
export function statusOf(error: unknown): number | undefined {
  return isRestError(error) ? error.statusCode : undefined;
}
