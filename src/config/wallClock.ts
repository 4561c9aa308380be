/**
 * The wall clock the HTTP functions read (request stamps, fresh deployment ids). In the Functions
 * host it is the system clock. The local runtime hands it its own clock, so under tests' virtual
 * clock a request's stamp and the engine's times come from one timeline.
 *
 * Stamps are unique and increasing per process: two requests in the same millisecond get stamps
 * 1 ms apart, in the order they asked, so ordering by stamp is ordering by start.
 */

let source: () => number = Date.now;
let lastStamp = Number.NEGATIVE_INFINITY;

/** Makes `now` (milliseconds since the epoch) the wall clock; the local runtime calls this at start. */
export function useWallClock(now: () => number): void {
  source = now;
  lastStamp = Number.NEGATIVE_INFINITY;
}

/** Goes back to the system clock (the local runtime calls this when it stops). */
export function useSystemWallClock(): void {
  useWallClock(Date.now);
}

/** The time now. */
export function wallClockNow(): Date {
  return new Date(source());
}

/** A stamp for something starting now: the time, or 1 ms after the previous stamp if that is not earlier. */
export function nextStartStamp(): Date {
  lastStamp = Math.max(source(), lastStamp + 1);
  return new Date(lastStamp);
}
