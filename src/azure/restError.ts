/**
 * `isRestError` without loading `@azure/core-rest-pipeline` (about 200 ms of a cold start): the same
 * test the library makes (`instanceof RestError`, else an Error-like object named "RestError"), which
 * also holds for errors thrown by the SDKs loaded lazily through their CommonJS builds.
 */
import type { RestError } from "@azure/core-rest-pipeline";

/** True for an error thrown by an Azure SDK's HTTP pipeline (what core-rest-pipeline's `isRestError` says). */
export function isRestError(error: unknown): error is RestError {
  if (typeof error !== "object" || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return name === "RestError" && typeof message === "string";
}
