/**
 * The pushes this process handed on within the last debounce window, per target, tag and digest: the
 * webhook's fast path for a push of an image it has just handed on (ACR redeliveries, the same push
 * through Event Grid, a CI job re-pushing an unchanged image). Such a push joins the target's window
 * with an entity signal instead of starting an orchestration of its own (see ./pushIntake.ts).
 *
 * Only a fast path: the table is per process and bounded, so another instance of the app, a restart or
 * an evicted entry simply sends the push the full way, where the entity's window and the deploy id
 * derived from target and digest dedupe it. An entry is kept for one debounce window from its hand-over:
 * after that the earlier push's window may have closed, and a push then is news again (it goes the
 * full way and is decided anew, as before this table existed).
 */

/** One remembered hand-over: settles true once its orchestration was started, false if that failed. */
interface Entry {
  key: string;
  handedOn: Promise<boolean>;
  until: number;
}

/** Pushes handed on recently; `now` is the wall clock the functions read (virtual under the local runtime). */
export class RecentPushes {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 10_000) {}

  /** The key of a push of `digest` under `tag` for target `targetName`. */
  static key(targetName: string, tag: string, digest: string): string {
    return `${targetName}\n${tag}\n${digest}`;
  }

  /** The hand-over of `key` still within its window at `now`, if any (settled or still under way). */
  find(key: string, now: number): Promise<boolean> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.handedOn;
  }

  /** Remembers the hand-over of `key` until `until`; a failed one is forgotten, so the next push starts afresh. */
  remember(key: string, handedOn: Promise<boolean>, until: number): void {
    this.entries.delete(key);
    const entry: Entry = { key, handedOn, until };
    this.entries.set(key, entry);
    void handedOn.then((ok) => {
      if (!ok && this.entries.get(key) === entry) this.entries.delete(key);
    });
    // Oldest first (insertion order): past capacity the oldest entries go; they only lose the fast path.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  /** How many entries are kept (tests). */
  get size(): number {
    return this.entries.size;
  }
}
