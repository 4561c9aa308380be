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
  /** ms since the epoch. */
  expiresAt: number;
}

const urls = new Map<string, Remembered>();

/** Remembers the upload URL of `relativePath` until `expiresOn`. */
export function rememberBuildSourceUrl(upload: { relativePath: string; uploadUrl: string; expiresOn: Date | string }, now = Date.now()): void {
  const expiresAt = new Date(upload.expiresOn).getTime();
  for (const [path, entry] of urls) if (entry.expiresAt <= now) urls.delete(path);
  if (Number.isFinite(expiresAt) && expiresAt > now) urls.set(upload.relativePath, { uploadUrl: upload.uploadUrl, expiresAt });
}

/** The URL remembered for `relativePath`, if it has not expired. */
export function buildSourceUrl(relativePath: string, now = Date.now()): string | undefined {
  const entry = urls.get(relativePath);
  if (!entry) return undefined;
  if (entry.expiresAt > now) return entry.uploadUrl;
  urls.delete(relativePath);
  return undefined;
}
