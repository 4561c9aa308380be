/** A non-TTY CLI environment that keeps what the CLI writes, for tests that call `runCli` in-process. */
export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (text: string) => void out.push(text), isTTY: false },
      stderr: { write: (text: string) => void err.push(text), isTTY: false },
      env: {},
      cwd: process.cwd(),
      now: () => 0,
      sleep: async () => {},
      onInterrupt: () => () => {},
      confirm: async () => false,
    },
  };
}
