/**
 * The reconcile scan's timer schedule, read when the function module registers the trigger. Kept
 * apart from ./settings.ts so registering does not load zod; settings.ts validates the same value
 * (with this pattern) on first use, so an invalid one still shows in health.
 */
/** Default reconcile scan schedule: every 5 minutes, at second 0. */
export const DEFAULT_SCAN_SCHEDULE = "0 */5 * * * *";

/** Six NCRONTAB fields (second minute hour day month day-of-week) of cron characters. */
export const NCRONTAB_PATTERN = /^\s*[0-9*/,A-Za-z-]+(?:\s+[0-9*/,A-Za-z-]+){5}\s*$/;

/**
 * The scan schedule the timer trigger is registered with, read straight from the environment when the
 * function module loads (the trigger's schedule is fixed at registration); an invalid value falls back
 * to the default, and `loadSettings` reports it so health shows it.
 */
export function scanScheduleFrom(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.ACA_ROLLOUT_SCAN_SCHEDULE;
  return value !== undefined && NCRONTAB_PATTERN.test(value) ? value.trim() : DEFAULT_SCAN_SCHEDULE;
}
