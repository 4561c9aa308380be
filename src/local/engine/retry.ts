/**
 * Retry timing for `callActivityWithRetry` / `callSubOrchestratorWithRetry`. durable-functions 3.5 does
 * not retry in JS: it sends one `CallActivityWithRetry` action and only tracks the task ids the host
 * uses. The extension runs DurableTask.Core's `RetryInterceptor`, whose arithmetic is reproduced here.
 */
import { asRecord } from "./json.js";

/** Retry options as the extension's `RetryOptionsConverter` reads them, with its defaults applied. */
export interface RetryPolicy {
  firstRetryIntervalMs: number;
  maxNumberOfAttempts: number;
  backoffCoefficient: number;
  maxRetryIntervalMs: number;
  /** Infinity when unset (`TimeSpan.MaxValue`). */
  retryTimeoutMs: number;
}

/** The extension's default `MaxRetryInterval`: six days. */
export const DEFAULT_MAX_RETRY_INTERVAL_MS = 6 * 86_400_000;

function integerField(record: Record<string, unknown>, key: string): number | undefined {
  const value = record[key];
  return typeof value === "number" && Number.isFinite(value) ? Math.trunc(value) : undefined;
}

/** Reads the `retryOptions` of an action; throws like the converter when a required field is missing. */
export function parseRetryPolicy(wire: unknown): RetryPolicy {
  const record = asRecord(wire);
  const first = record && integerField(record, "firstRetryIntervalInMilliseconds");
  const attempts = record && integerField(record, "maxNumberOfAttempts");
  if (!record || first === undefined) throw new Error("Invalid JSON. Must contain field firstRetryIntervalInMilliseconds");
  if (attempts === undefined) throw new Error("Invalid JSON. Must contain field maxNumberOfAttempts");
  if (first <= 0) throw new Error("Value for firstRetryInterval must be greater than TimeSpan.Zero");
  const backoff = record.backoffCoefficient;
  return {
    firstRetryIntervalMs: first,
    maxNumberOfAttempts: attempts,
    backoffCoefficient: typeof backoff === "number" && Number.isFinite(backoff) ? backoff : 1,
    maxRetryIntervalMs: integerField(record, "maxRetryIntervalInMilliseconds") ?? DEFAULT_MAX_RETRY_INTERVAL_MS,
    retryTimeoutMs: integerField(record, "retryTimeoutInMilliseconds") ?? Number.POSITIVE_INFINITY,
  };
}

/**
 * `RetryInterceptor.ComputeNextDelay`: the wait before the next attempt after attempt `attempt` (0-based)
 * failed at `now`, or 0 when the retry timeout (counted from `firstAttemptAt`) has passed.
 */
export function computeRetryDelay(policy: RetryPolicy, attempt: number, firstAttemptAt: number, now: number): number {
  const expiration = firstAttemptAt + policy.retryTimeoutMs;
  if (!(now < expiration)) return 0;
  const delay = policy.firstRetryIntervalMs * Math.pow(policy.backoffCoefficient, attempt);
  // TimeSpan.FromMilliseconds keeps whole milliseconds.
  return delay < policy.maxRetryIntervalMs ? Math.round(delay) : policy.maxRetryIntervalMs;
}
