/**
 * Everything the CLI touches outside itself, behind one interface: output streams, environment,
 * working directory, time, Ctrl-C and questions. `processIo()` is the real one; the end-to-end tests
 * pass their own so waits run on the virtual clock and Ctrl-C can be pressed by a test.
 */
import { createInterface } from "node:readline/promises";

/** A writable stream as the CLI uses it. */
export interface CliStream {
  write(text: string): void;
  /** True when it is a terminal (spinners and colours only there). */
  readonly isTTY: boolean;
}

/** The CLI's view of its process. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Waits before the next status poll. */
  sleep(ms: number): Promise<void>;
  /** Calls `handler` on Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Asks a yes/no question on the terminal; false when there is no terminal. */
  confirm(question: string): Promise<boolean>;
}

/** The real process: its streams, environment, clock and SIGINT. */
export function processIo(): CliIo {
  return {
    stdout: { write: (text) => void process.stdout.write(text), isTTY: process.stdout.isTTY === true },
    stderr: { write: (text) => void process.stderr.write(text), isTTY: process.stderr.isTTY === true },
    env: process.env,
    cwd: process.cwd(),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      return () => void process.off("SIGINT", handler);
    },
    async confirm(question) {
      if (process.stdin.isTTY !== true) return false;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
  };
}
