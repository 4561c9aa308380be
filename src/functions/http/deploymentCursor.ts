/**
 * The list's continuation token: the position of the last deployment returned (its creation time
 * and id, the list's sort key) plus the filters it was issued for, as base64url JSON. It is opaque to
 * clients; one that does not decode, or was issued for other filters, is refused rather than guessed at.
 */

/** Where the next page starts and which query the token belongs to. */
export interface DeploymentCursor {
  /** ISO creation time of the last item returned. */
  createdAt: string;
  /** Id of the last item returned. */
  id: string;
  /** The `target` filter the token was issued for, if any. */
  target?: string;
  /** The `status` filter the token was issued for, if any. */
  status?: string;
}

const MAX_TOKEN_LENGTH = 2048;

/** Encodes a cursor as an opaque token. */
export function encodeCursor(cursor: DeploymentCursor): string {
  const wire: Record<string, string | number> = { v: 1, c: cursor.createdAt, i: cursor.id };
  if (cursor.target !== undefined) wire.t = cursor.target;
  if (cursor.status !== undefined) wire.s = cursor.status;
  return Buffer.from(JSON.stringify(wire), "utf8").toString("base64url");
}

/** Decodes a token, or undefined when it is not one this API issued. */
export function decodeCursor(token: string): DeploymentCursor | undefined {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof wire !== "object" || wire === null || Array.isArray(wire)) return undefined;
  const { v, c, i, t, s, ...rest } = wire as Record<string, unknown>;
  if (v !== 1 || Object.keys(rest).length > 0) return undefined;
  if (typeof c !== "string" || Number.isNaN(Date.parse(c)) || typeof i !== "string" || i.length === 0) return undefined;
  if ((t !== undefined && typeof t !== "string") || (s !== undefined && typeof s !== "string")) return undefined;
  return { createdAt: new Date(Date.parse(c)).toISOString(), id: i, ...(t !== undefined ? { target: t } : {}), ...(s !== undefined ? { status: s } : {}) };
}

/** Newest first: by creation time descending, then id descending (a total order, so pages never overlap). */
export function compareNewestFirst(a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number {
  const byTime = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Whether `item` sorts after the cursor's position (i.e. belongs to a later page). */
export function isAfterCursor(item: { createdAt: string; id: string }, cursor: DeploymentCursor): boolean {
  return compareNewestFirst({ createdAt: cursor.createdAt, id: cursor.id }, item) < 0;
}
