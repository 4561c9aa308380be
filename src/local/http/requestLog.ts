/**
 * One console line per HTTP request the local host answers: method, path, status and milliseconds,
 * the way a person running `npm start` wants to see traffic. Keys never reach the line: the query
 * keeps its parameter names, but the values of `code` and of anything named like a key, token,
 * secret, password or signature are replaced by `***`.
 */

/** What the host reports about one answered request. */
export interface RequestLogEntry {
  method: string;
  /** The request target as received (path and query); {@link loggableTarget} redacts it. */
  target: string;
  status: number;
  durationMs: number;
  /** False when the client went away before the answer was complete. */
  completed: boolean;
}

/** Receives one entry per answered request. */
export type RequestLogger = (entry: RequestLogEntry) => void;

const SECRET_NAME = /^(code|sig|se|skoid|sktid)$|key|token|secret|password|signature|credential/i;

/** The path, and the query with the values of secret-looking parameters replaced by `***`. */
export function loggableTarget(target: string): string {
  const queryAt = target.indexOf("?");
  if (queryAt === -1) return target;
  const path = target.slice(0, queryAt);
  const query = target.slice(queryAt + 1);
  if (query === "") return path;
  const parts = query.split("&").map((part) => {
    const equals = part.indexOf("=");
    const name = equals === -1 ? part : part.slice(0, equals);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, " "));
    } catch {
      // a malformed escape: judge the raw name
    }
    return SECRET_NAME.test(decoded) ? `${name}=***` : part;
  });
  return `${path}?${parts.join("&")}`;
}

/** `GET /api/deployments?top=10 200 12 ms`, with secrets redacted. */
export function formatRequestLine(entry: RequestLogEntry): string {
  const line = `${entry.method} ${loggableTarget(entry.target)} ${entry.status} ${Math.round(entry.durationMs)} ms`;
  return entry.completed ? line : `${line} (client went away)`;
}
