/**
 * The sandbox's state on disk (`npm start`): one JSON snapshot of the kernel's scenario settings and
 * every provider's state, replaced atomically (written to a temporary file, then renamed over the
 * old one), so a process killed at any moment leaves either the previous snapshot or the new one,
 * never a torn file. Writes are synchronous so a reply leaves only after what it reports is on disk.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { FaultRule } from "./faults.js";
import type { SandboxDurations } from "./types.js";

/** Format version; a snapshot of another version is set aside, not misread. */
export const STATE_FILE_VERSION = 1;

/** The kernel's part of a snapshot. */
export interface KernelSnapshot {
  durations: SandboxDurations;
  faults: FaultRule[];
  /** The call log's next sequence number (the calls themselves are in the call journal). */
  nextCallSeq: number;
}

/** Everything the sandbox remembers across restarts. */
export interface SandboxSnapshot {
  version: typeof STATE_FILE_VERSION;
  kernel: KernelSnapshot;
  /** Per provider name, whatever its `snapshot()` returned. */
  providers: Record<string, unknown>;
}

/** What reading the state file found. */
export type StateFileRead = { kind: "none" } | { kind: "snapshot"; snapshot: SandboxSnapshot } | { kind: "unreadable"; problem: string };

/** Writes `text` to `path` atomically: a temporary sibling, then a rename. */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = `${path}.tmp`;
  // Only the user may read it: run requests and keys are in there (secret values are masked before).
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

/** One state file; skips writes that would not change it. */
export class StateFile {
  private lastText: string | undefined;

  constructor(readonly path: string) {}

  /** Reads the snapshot, if there is a usable one. */
  read(): StateFileRead {
    if (!existsSync(this.path)) return { kind: "none" };
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, "utf8"));
    } catch (error) {
      return { kind: "unreadable", problem: error instanceof Error ? error.message : String(error) };
    }
    if (typeof parsed !== "object" || parsed === null || (parsed as { version?: unknown }).version !== STATE_FILE_VERSION) {
      return { kind: "unreadable", problem: `not a version ${STATE_FILE_VERSION} sandbox state file` };
    }
    return { kind: "snapshot", snapshot: parsed as SandboxSnapshot };
  }

  /** Moves an unreadable file aside (kept for inspection) so the next save starts afresh; returns its new path. */
  setAside(): string {
    const aside = `${this.path}.unreadable-${Date.now()}`;
    renameSync(this.path, aside);
    return aside;
  }

  /** Saves the snapshot unless it equals the last one saved. */
  save(snapshot: SandboxSnapshot): void {
    const text = JSON.stringify(snapshot);
    if (text === this.lastText) return;
    writeFileAtomically(this.path, text);
    this.lastText = text;
  }
}
