/** The CLI's exit codes: shell-friendly and documented in the README. */
export const EXIT = {
  /** The deploy succeeded, nothing changed, or the command did what it was asked. */
  ok: 0,
  /** The deploy ended Failed, RolledBack, Canceled, Superseded or Quarantined (or lint found something). */
  failed: 1,
  /** A usage or configuration error: bad options, missing key, unknown target, unreadable context. */
  usage: 2,
  /** Interrupted (Ctrl-C) and the deploy was left running. */
  interrupted: 130,
} as const;

/** One of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A usage or configuration error: the command ends with exit code 2 and this message. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
