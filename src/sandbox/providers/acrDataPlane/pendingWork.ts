/**
 * Pushes announced through `ImagePushSink` run in the background (the sink is fire-and-forget), so
 * data-plane requests first wait for pushes already under way: a client that resolves a tag right after
 * a run succeeded sees the pushed image, as it would on ACR.
 */

/** A set of in-flight promises that can be awaited as a whole. */
export class PendingWork {
  private readonly inFlight = new Set<Promise<unknown>>();
  private total = 0;

  /** Tracks `work` until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.total += 1;
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    // The caller may ignore the result; the failure is reported elsewhere, never as an unhandled rejection.
    tracked.catch(() => undefined);
    return tracked;
  }

  /** How many were ever tracked: a caller that sees it unchanged across a wait knows nothing new started. */
  get started(): number {
    return this.total;
  }

  /** How many are in flight. */
  get size(): number {
    return this.inFlight.size;
  }

  /** Resolves once everything in flight now (and anything they start) has settled. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
