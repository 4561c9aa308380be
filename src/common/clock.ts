/**
 * Clocks for the local runtime and the sandbox. `npm start` uses the real clock; tests use the
 * virtual clock and advance it, so nothing in a test sleeps and time-based behaviour is deterministic.
 * Shared by both, so it lives in src/common, which imports neither.
 */

/** A source of time that can also wake callers at an absolute time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once the clock reaches `at` (epoch ms); returns a function that cancels it. */
  schedule(at: number, callback: () => void): () => void;
}

/** Wall-clock time with Node timers (long delays are chunked to stay inside setTimeout's range). */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(at: number, callback: () => void): () => void {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      if (cancelled) return;
      const delay = at - Date.now();
      if (delay <= 0) {
        callback();
        return;
      }
      // setTimeout overflows past ~24.8 days; re-arm in slices.
      handle = setTimeout(arm, Math.min(delay, 2 ** 31 - 1));
      handle.unref?.();
    };
    handle = setTimeout(arm, Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1)));
    handle.unref?.();
    return () => {
      cancelled = true;
      if (handle) clearTimeout(handle);
    };
  }
}

interface PendingTimer {
  at: number;
  seq: number;
  callback: () => void;
}

/** Time that only moves when a test advances it. Timers fire in time order, ties in scheduling order. */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(start: number | string = "2026-01-01T00:00:00.000Z") {
    this.current = typeof start === "string" ? Date.parse(start) : start;
  }

  now(): number {
    return this.current;
  }

  schedule(at: number, callback: () => void): () => void {
    const timer: PendingTimer = { at, seq: this.seq++, callback };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** The time of the earliest pending timer, if any. */
  nextTimerAt(): number | undefined {
    return this.timers[0]?.at;
  }

  /**
   * Moves time forward by `ms`, firing due timers one at a time. `settle` runs after each timer and
   * before the next (the runtime passes "wait until idle"), so work a timer starts finishes first.
   */
  async advance(ms: number, settle: () => Promise<void> = flushMacrotasks): Promise<void> {
    await this.advanceTo(this.current + ms, settle);
  }

  /** Moves time forward to the absolute time `target` (epoch ms); see {@link VirtualClock.advance}. */
  async advanceTo(target: number, settle: () => Promise<void> = flushMacrotasks): Promise<void> {
    await settle();
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      next.callback();
      await settle();
    }
    this.current = Math.max(this.current, target);
    await settle();
  }
}

/** Lets already-queued promise jobs and I/O callbacks run. */
export async function flushMacrotasks(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}
