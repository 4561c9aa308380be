/**
 * The engine's journal: an append-only file of JSON lines, one {@link JournalRecord} per line. A record
 * is durable once its `append` promise resolves: records issued while a write is in flight are written
 * together and covered by one `fdatasync` (group commit). A torn last line - the process died mid-write -
 * is cut off when the journal is opened. Opening also compacts: the state rebuilt from the records is
 * written to a temporary file as snapshot records, synced, and renamed over the journal.
 */
import { mkdir, open, readFile, rename, truncate, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { JournalRecord } from "./store.js";

/** Persists journal records; the in-memory engine uses {@link memoryJournal}. */
export interface Journal {
  /** Resolves once `record` is on disk. */
  append(record: JournalRecord): Promise<void>;
  /** Replaces the whole journal with `records` atomically. */
  rewrite(records: readonly JournalRecord[]): Promise<void>;
  /** Bytes appended since the journal was opened or last rewritten. */
  readonly appendedBytes: number;
  close(): Promise<void>;
}

/** A journal that keeps nothing (engine without a data directory). */
export const memoryJournal: Journal = {
  append: () => Promise.resolve(),
  rewrite: () => Promise.resolve(),
  appendedBytes: 0,
  close: () => Promise.resolve(),
};

interface PendingLine {
  line: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The journal file of `taskHub` under `directory`. */
export function journalPath(directory: string, taskHub: string): string {
  return path.join(directory, `${taskHub}.journal.ndjson`);
}

class FileJournal implements Journal {
  private pending: PendingLine[] = [];
  private flushing: Promise<void> | undefined;
  private bytes = 0;

  constructor(
    private readonly file: string,
    private handle: FileHandle,
  ) {}

  get appendedBytes(): number {
    return this.bytes;
  }

  append(record: JournalRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        const text = batch.map((p) => p.line).join("");
        await this.handle.write(text);
        await this.handle.datasync();
        this.bytes += Buffer.byteLength(text);
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = undefined;
  }

  async rewrite(records: readonly JournalRecord[]): Promise<void> {
    await this.flushing;
    const temporary = `${this.file}.tmp`;
    const tmp = await open(temporary, "w");
    try {
      await tmp.write(records.map((r) => `${JSON.stringify(r)}\n`).join(""));
      await tmp.sync();
    } finally {
      await tmp.close();
    }
    await this.handle.close();
    await rename(temporary, this.file);
    await syncDirectory(path.dirname(this.file));
    this.handle = await open(this.file, "a");
    this.bytes = 0;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle.close();
  }
}

/** Opens (creating if needed) the journal at `file` and returns the records it holds. */
export async function openJournal(file: string): Promise<{ journal: Journal; records: JournalRecord[] }> {
  await mkdir(path.dirname(file), { recursive: true });
  let text = "";
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const complete = text.lastIndexOf("\n") + 1;
  if (complete < text.length) {
    // The last write was torn by a crash: it never resolved, so nothing relied on it.
    await truncate(file, Buffer.byteLength(text.slice(0, complete)));
    text = text.slice(0, complete);
  }
  const records: JournalRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch (error) {
      throw new Error(`Journal ${file} is corrupt at line ${i + 1}: ${(error as Error).message}`);
    }
  }
  return { journal: new FileJournal(file, await open(file, "a")), records };
}
