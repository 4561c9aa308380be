/**
 * The record of every ARM and data-plane call the sandbox answered. The least-privilege roles are
 * derived from the `operation` strings here, so they are the real RBAC action names of the routes.
 * Query strings are not kept: SAS signatures travel in them.
 */

/** One answered call. */
export interface CallRecord {
  seq: number;
  /** Sandbox clock time the call arrived, ISO 8601. */
  time: string;
  method: string;
  /** Request path without the query. */
  path: string;
  /** RBAC action of the matched route, or `unknown` when no route matched. */
  operation: string;
  /** The ARM resource the call addressed (actions are attributed to their resource). */
  resourceId: string;
  status: number;
  correlationId: string;
  requestId: string;
  plane: "arm" | "data";
  /** `api-version` query parameter, when sent. */
  apiVersion: string | undefined;
  /** Answered 429 by the token bucket. */
  throttled: boolean;
  /** Answered (or delayed) by an injected fault rule. */
  faulted: boolean;
}

/** Where the call log writes through to (a file under `npm start`). */
export interface CallLogJournal {
  append(record: CallRecord): void;
  /** Replaces the whole journal with `records`. */
  rewrite(records: readonly CallRecord[]): void;
}

/** Filters for {@link CallLog.calls}; every filter given must match. */
export interface CallFilter {
  operation?: string;
  method?: string;
  plane?: "arm" | "data";
  status?: number;
  pathContains?: string;
  /** Only calls with `seq` greater than this. */
  afterSeq?: number;
}

/** Oldest calls are dropped beyond this, so a long `npm start` session does not grow without bound. */
const MAX_RECORDS = 50_000;

/** An append-only, filterable list of calls, optionally written through to a journal on disk. */
export class CallLog {
  private records: CallRecord[] = [];
  private nextSeq = 1;
  private journal: CallLogJournal | undefined;
  /** Calls trimmed from memory but still in the journal; it is rewritten once they add up. */
  private trimmedSinceRewrite = 0;

  /** Appends a call, assigning its sequence number. */
  record(call: Omit<CallRecord, "seq">): CallRecord {
    const entry: CallRecord = { seq: this.nextSeq++, ...call };
    this.records.push(entry);
    this.journal?.append(entry);
    if (this.records.length > MAX_RECORDS) {
      const excess = this.records.length - MAX_RECORDS;
      this.records.splice(0, excess);
      this.trimmedSinceRewrite += excess;
      if (this.trimmedSinceRewrite >= MAX_RECORDS / 10) this.rewriteJournal();
    }
    return entry;
  }

  /** The sequence number the next call gets. */
  get nextSequence(): number {
    return this.nextSeq;
  }

  /** Takes over calls remembered from an earlier run, then writes every new call through to `journal`. */
  attach(journal: CallLogJournal, remembered: readonly CallRecord[], nextSeq: number): void {
    this.records = remembered.slice(-MAX_RECORDS);
    const lastSeq = this.records.at(-1)?.seq ?? 0;
    this.nextSeq = Math.max(nextSeq, lastSeq + 1, this.nextSeq);
    this.journal = journal;
    if (this.records.length < remembered.length) this.rewriteJournal();
  }

  private rewriteJournal(): void {
    this.journal?.rewrite(this.records);
    this.trimmedSinceRewrite = 0;
  }

  /** Calls matching `filter`, oldest first. */
  calls(filter: CallFilter = {}): CallRecord[] {
    return this.records.filter(
      (call) =>
        (filter.operation === undefined || call.operation.toLowerCase() === filter.operation.toLowerCase()) &&
        (filter.method === undefined || call.method === filter.method.toUpperCase()) &&
        (filter.plane === undefined || call.plane === filter.plane) &&
        (filter.status === undefined || call.status === filter.status) &&
        (filter.pathContains === undefined || call.path.toLowerCase().includes(filter.pathContains.toLowerCase())) &&
        (filter.afterSeq === undefined || call.seq > filter.afterSeq),
    );
  }

  /** Distinct operations called (optionally filtered), sorted; the input for least-privilege roles. */
  operations(filter: CallFilter = {}): string[] {
    return [...new Set(this.calls(filter).map((call) => call.operation))].sort();
  }

  /** Forgets every call (sequence numbers keep increasing). */
  clear(): void {
    this.records = [];
    this.rewriteJournal();
  }
}

/** Parses `GET /_sandbox/calls` query parameters into a filter. */
export function callFilterFromQuery(query: URLSearchParams): CallFilter {
  const filter: CallFilter = {};
  const operation = query.get("operation");
  const method = query.get("method");
  const plane = query.get("plane");
  const status = query.get("status");
  const pathContains = query.get("pathContains");
  const afterSeq = query.get("afterSeq");
  if (operation) filter.operation = operation;
  if (method) filter.method = method;
  if (plane === "arm" || plane === "data") filter.plane = plane;
  if (status && Number.isInteger(Number(status))) filter.status = Number(status);
  if (pathContains) filter.pathContains = pathContains;
  if (afterSeq && Number.isInteger(Number(afterSeq))) filter.afterSeq = Number(afterSeq);
  return filter;
}
