/**
 * The log links (blob SAS URLs) of ACR runs this process asked for, kept in memory per run so the
 * build wait's frequent log checks cost one ARM call (`listLogSasUrl`) per run and instance, not one per
 * check. A SAS URL is a credential: it never goes into an orchestration's input, output or history, a
 * status or a log, so it is not handed through the orchestration. Another instance of a scaled-out app
 * finds nothing here and fetches its own.
 */

interface Remembered {
  url: string;
  /** When this process forgets it (ms since the epoch, by this process's clock). */
  forgetAt: number;
}

const urls = new Map<string, Remembered>();

/**
 * How long a link is kept, by this process's own clock. ACR does not promise a lifetime for its log
 * links; storage answers 403 once one has expired, and the caller then fetches a new one.
 */
const LIFETIME_MS = 30 * 60 * 1000;
/** Most links kept: a burst of builds must not grow the process without bound (the oldest go first). */
const MAX_LINKS = 1_000;

/** Remembers a run's log link for {@link LIFETIME_MS}. */
export function rememberRunLogUrl(runKey: string, url: string, now = Date.now()): void {
  for (const [key, entry] of urls) if (entry.forgetAt <= now) urls.delete(key);
  urls.delete(runKey);
  while (urls.size >= MAX_LINKS) {
    const oldest = urls.keys().next();
    if (oldest.done) break;
    urls.delete(oldest.value);
  }
  urls.set(runKey, { url, forgetAt: now + LIFETIME_MS });
}

/** The link remembered for a run, unless it was forgotten. */
export function runLogUrl(runKey: string, now = Date.now()): string | undefined {
  const entry = urls.get(runKey);
  if (!entry) return undefined;
  if (entry.forgetAt > now) return entry.url;
  urls.delete(runKey);
  return undefined;
}

/** Forgets a run's link (it was refused, or the run is over). */
export function forgetRunLogUrl(runKey: string): void {
  urls.delete(runKey);
}

/** Forgets every link (tests: a sandbox reset reuses run ids). */
export function forgetAllRunLogUrls(): void {
  urls.clear();
}
