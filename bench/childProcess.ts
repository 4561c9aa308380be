/**
 * Runs a bench helper script in a fresh `node` process and collects its last stdout line as JSON.
 * A child that overstays its timeout is killed (it is ours), so the bench always finishes.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

/** What a child run produced. */
export interface ChildResult {
  /** The child's last stdout line, parsed as JSON. */
  result: unknown;
  /** Spawn to exit, as seen by the parent (includes Node's own start-up). */
  wallMs: number;
}

/** Runs `dist/bench/<script>` with `args` under the current Node binary; rejects on a non-zero exit or timeout. */
export function runBenchChild(script: string, args: readonly string[], timeoutMs: number): Promise<ChildResult> {
  const path = resolve(import.meta.dirname, script);
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => (stdout += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`${script} exited with ${signal ?? `code ${code}`}${signal === "SIGKILL" ? ` after the ${timeoutMs} ms timeout` : ""}`));
        return;
      }
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        resolvePromise({ result: JSON.parse(last) as unknown, wallMs });
      } catch {
        reject(new Error(`${script} printed no JSON result: ${JSON.stringify(last.slice(0, 200))}`));
      }
    });
  });
}
