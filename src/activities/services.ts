/**
 * What every activity needs to do its I/O: the SDK client factory and the settings. Built lazily on
 * first use (not at import, so a bad setting fails the activity that needs it, not the host start)
 * and then kept for the life of the process so clients and their connections are reused.
 */
import { AzureClients } from "../azure/clients.js";
import { currentSettings, type Settings } from "../config/settings.js";
import { ConfigurationError } from "../domain/errors.js";

/** The dependencies activities receive; tests build their own against the sandbox. */
export interface ActivityServices {
  azure: AzureClients;
  settings: Settings;
  /**
   * Poll interval (ms) for the few long-running operations an activity waits for, when Azure sends
   * no Retry-After; default {@link DEFAULT_LRO_POLL_INTERVAL_MS}.
   */
  lroPollIntervalMs?: number;
}

/** Poll interval for LROs without a Retry-After header (ARM usually sends one). */
export const DEFAULT_LRO_POLL_INTERVAL_MS = 2_000;

let services: ActivityServices | undefined;

/** The process-wide services, built on first call; throws {@link ConfigurationError} when settings are invalid. */
export function activityServices(): ActivityServices {
  if (!services) {
    const result = currentSettings();
    if (!result.ok) throw new ConfigurationError(result.issues);
    services = { azure: new AzureClients(result.settings), settings: result.settings };
  }
  return services;
}

/** Forgets the cached services (tests, or after the environment changed). */
export function resetActivityServices(): void {
  services = undefined;
}
