/**
 * .NET `TimeSpan` text ("d.hh:mm:ss"), the form the extension serialises timer settings in and
 * durable-functions parses with moment.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** Formats a non-negative duration in milliseconds as a .NET TimeSpan string. */
export function formatTimeSpan(ms: number): string {
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  const seconds = Math.floor((ms % MINUTE) / 1000);
  const millis = ms % 1000;
  const clock = `${two(hours)}:${two(minutes)}:${two(seconds)}${millis ? `.${String(millis).padStart(3, "0")}` : ""}`;
  return days ? `${days}.${clock}` : clock;
}
