/**
 * The upload URLs this process handed out for build contexts (`POST /api/uploads`), kept in memory by
 * relative path until they expire, so the deploy's lint step can read the archive it names. ACR
 * offers no way to read an uploaded source back other than the SAS URL it issued (read and write,
 * blob-scoped, short-lived), and a SAS URL is a credential: it never goes into a deploy's input,
 * history, status or logs, so it is not handed through the orchestration. The limit that follows:
 * a deploy whose lint runs on another instance than the one that issued its upload slot finds no
 * URL here, and its lint step says so.
 */

interface Remembered {
  uploadUrl: string;
  /** When this process forgets it (ms since the epoch, by this process's clock). */
  forgetAt: number;
}

const urls = new Map<string, Remembered>();

/**
 * How long a URL is kept, counted from when it was handed out by this process's own clock: ACR's
 * upload URLs last about an hour. The URL's own expiry (`se`) is the storage's to enforce: it is
 * stamped by the issuer's clock, which need not be ours (the sandbox's may be virtual).
 */
const LIFETIME_MS = 60 * 60 * 1000;

/** Remembers the upload URL of `relativePath` for an hour. */
export function rememberBuildSourceUrl(upload: { relativePath: string; uploadUrl: string }, now = Date.now()): void {
  for (const [path, entry] of urls) if (entry.forgetAt <= now) urls.delete(path);
  urls.set(upload.relativePath, { uploadUrl: upload.uploadUrl, forgetAt: now + LIFETIME_MS });
}

/** The URL remembered for `relativePath`, unless it was forgotten. */
export function buildSourceUrl(relativePath: string, now = Date.now()): string | undefined {
  const entry = urls.get(relativePath);
  if (!entry) return undefined;
  if (entry.forgetAt > now) return entry.uploadUrl;
  urls.delete(relativePath);
  return undefined;
}
