/**
 * The call log on disk (`npm start`): one JSON line per answered call, appended before the reply
 * leaves, so the calls a client saw answered are still listed after a crash. A process killed in
 * the middle of an append can leave at most a torn last line, which loading skips. The file is
 * rewritten (atomically) when the log is cleared or has trimmed its oldest calls.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import type { CallLogJournal, CallRecord } from "./callLog.js";
import { writeFileAtomically } from "./stateFile.js";

function isCallRecord(value: unknown): value is CallRecord {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Partial<CallRecord>;
  return typeof record.seq === "number" && typeof record.method === "string" && typeof record.path === "string" && typeof record.status === "number";
}

/** An append-only JSON-lines file of calls. */
export class CallJournal implements CallLogJournal {
  private fd: number | undefined;

  constructor(readonly path: string) {}

  /** The calls in the file, oldest first; torn or foreign lines are skipped. */
  load(): CallRecord[] {
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path, "utf8");
    const records: CallRecord[] = [];
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        const parsed: unknown = JSON.parse(line);
        if (isCallRecord(parsed)) records.push(parsed);
      } catch {
        // A torn last line from a killed process: that call's reply never left.
      }
    }
    // Appending after a torn line would glue the next call onto it.
    if (text.length > 0 && !text.endsWith("\n")) this.rewrite(records);
    return records;
  }

  append(record: CallRecord): void {
    this.fd ??= openSync(this.path, "a", 0o600);
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  rewrite(records: readonly CallRecord[]): void {
    this.close();
    writeFileAtomically(this.path, records.map((record) => `${JSON.stringify(record)}\n`).join(""));
  }

  /** Closes the file (it reopens on the next append). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
