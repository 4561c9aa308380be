/**
 * Makes a sandbox remember its state across restarts, as Azure does when our process dies: under
 * `npm start` the kernel's scenario settings (durations, faults) and every provider's state are
 * saved to `<dir>/state.json` after each request (before its reply leaves) and soon after any change
 * a timer makes, and the call log is written through to `<dir>/calls.jsonl`. On start both are read
 * back. A state file that cannot be read or restored is set aside and the sandbox starts empty.
 */
import { join } from "node:path";
import { CallJournal } from "./callJournal.js";
import type { CallLog } from "./callLog.js";
import { applyDurations } from "./durations.js";
import type { FaultInjector } from "./faults.js";
import { StateFile, STATE_FILE_VERSION, type SandboxSnapshot } from "./stateFile.js";
import type { SandboxDurations, SandboxProvider } from "./types.js";

/** The parts of a sandbox that are remembered. */
export interface PersistedParts {
  callLog: CallLog;
  faults: FaultInjector;
  durations: SandboxDurations;
  providers: readonly SandboxProvider[];
  /** Forgets everything (used when a remembered state cannot be taken over). */
  reset(): void;
}

/** What loading found. */
export interface LoadResult {
  /** Whether an earlier run's state was taken over. */
  restored: boolean;
  /** Set when a state file existed but could not be used (it was moved aside). */
  warning?: string;
}

/** Saves and restores one sandbox's state in a directory. */
export class SandboxPersistence {
  private readonly stateFile: StateFile;
  private readonly journal: CallJournal;
  private saveQueued = false;
  private closed = false;

  constructor(
    dir: string,
    private readonly parts: PersistedParts,
  ) {
    this.stateFile = new StateFile(join(dir, "state.json"));
    this.journal = new CallJournal(join(dir, "calls.jsonl"));
  }

  /** Reads the remembered state and call log into the parts; from now on, calls are journaled. */
  load(): LoadResult {
    const read = this.stateFile.read();
    let result: LoadResult = { restored: false };
    if (read.kind === "unreadable") {
      result = { restored: false, warning: `the sandbox state in ${this.stateFile.path} is unreadable (${read.problem}); moved to ${this.stateFile.setAside()}, starting empty` };
    } else if (read.kind === "snapshot") {
      try {
        this.restore(read.snapshot);
        result = { restored: true };
      } catch (error) {
        this.parts.reset();
        const problem = error instanceof Error ? error.message : String(error);
        result = { restored: false, warning: `the sandbox state in ${this.stateFile.path} could not be restored (${problem}); moved to ${this.stateFile.setAside()}, starting empty` };
      }
    }
    const nextSeq = read.kind === "snapshot" && result.restored ? read.snapshot.kernel.nextCallSeq : 1;
    this.parts.callLog.attach(this.journal, this.journal.load(), nextSeq);
    this.save();
    return result;
  }

  /** Saves now (synchronously) if anything changed since the last save. */
  save(): void {
    if (this.closed) return;
    this.stateFile.save(this.snapshot());
  }

  /** Saves soon; many changes in one tick make one write. */
  scheduleSave(): void {
    if (this.saveQueued || this.closed) return;
    this.saveQueued = true;
    setImmediate(() => {
      this.saveQueued = false;
      this.save();
    });
  }

  /** Saves a last time and releases the journal file. */
  close(): void {
    this.save();
    this.closed = true;
    this.journal.close();
  }

  private snapshot(): SandboxSnapshot {
    const providers: Record<string, unknown> = {};
    for (const provider of this.parts.providers) if (provider.snapshot) providers[provider.name] = provider.snapshot();
    return {
      version: STATE_FILE_VERSION,
      kernel: { durations: { ...this.parts.durations }, faults: this.parts.faults.list(), nextCallSeq: this.parts.callLog.nextSequence },
      providers,
    };
  }

  private restore(snapshot: SandboxSnapshot): void {
    applyDurations(this.parts.durations, snapshot.kernel.durations);
    this.parts.faults.restore(snapshot.kernel.faults);
    for (const provider of this.parts.providers) {
      const data = snapshot.providers[provider.name];
      if (data !== undefined && provider.restore) provider.restore(data);
    }
  }
}
