/**
 * Default latencies of simulated Azure work, and the one validated way to change them at run time
 * (the same object is shared with every provider, so a change applies to work started afterwards).
 */
import type { SandboxDurations } from "./types.js";

/** Latencies close enough to real Azure that `npm start` shows each phase, short enough to watch. */
export const DEFAULT_DURATIONS: Readonly<SandboxDurations> = Object.freeze({
  runQueued: 3_000,
  runRunning: 15_000,
  // A quarter of real time: the demo fixture builds in about 8 s the first time, about 3 s after a code-only change
  // (the cached layers under the changed COPY are pulled onto the agent first).
  buildSecond: 250,
  revisionProvisioning: 5_000,
  revisionActivating: 3_000,
  revisionHealthy: 5_000,
  lroPoll: 1_000,
});

const DURATION_NAMES = Object.keys(DEFAULT_DURATIONS) as (keyof SandboxDurations)[];

/** Checks an untrusted partial durations object; returns the problems, empty when it is valid. */
export function durationProblems(input: unknown): string[] {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return ["durations must be a JSON object"];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(input)) {
    if (!DURATION_NAMES.includes(name as keyof SandboxDurations)) problems.push(`unknown duration '${name}'`);
    else if (typeof value !== "number" || !Number.isFinite(value) || value < 0) problems.push(`'${name}' must be a number of milliseconds >= 0`);
  }
  return problems;
}

/** Applies `changes` onto `target` in place (providers hold a reference to `target`). */
export function applyDurations(target: SandboxDurations, changes: Partial<SandboxDurations>): SandboxDurations {
  for (const name of DURATION_NAMES) {
    const value = changes[name];
    if (value !== undefined) target[name] = value;
  }
  return target;
}
