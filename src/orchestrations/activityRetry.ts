/** Durable retry options for activities, from the settings carried in the deploy input. */
import * as df from "durable-functions";
import type { ActivityRetrySettings } from "../domain/deployment.js";

/**
 * DTFx retry options. No retry timeout: durable-functions 3.5 never tells the orchestrator when one
 * expires (the instance would hang), so attempts are bounded by count alone.
 */
export function activityRetryOptions(settings: ActivityRetrySettings): df.RetryOptions {
  const options = new df.RetryOptions(settings.firstIntervalSeconds * 1000, settings.maxAttempts);
  options.backoffCoefficient = settings.backoffCoefficient;
  options.maxRetryIntervalInMilliseconds = settings.maxIntervalSeconds * 1000;
  return options;
}
