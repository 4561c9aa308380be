/**
 * Readiness probing for local services: a service can log "listening" a moment before it answers,
 * so launchers confirm with a real request before handing the URL out.
 */
import { request } from "node:http";

/** Resolves with the status of one GET to `url` (loopback HTTP only), or rejects on a transport error. */
export function httpGetStatus(url: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** Polls `url` until `isReady(status)` holds, retrying transport errors, for at most `timeoutMs`. */
export async function waitForHttp(url: string, isReady: (status: number) => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = "no answer";
  for (;;) {
    try {
      const status = await httpGetStatus(url);
      if (isReady(status)) return;
      lastProblem = `status ${status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) throw new Error(`${url} did not become ready within ${timeoutMs} ms (${lastProblem})`);
    // Service start-up is real wall-clock work; a short back-off keeps the poll cheap.
    await new Promise<void>((resolve) => setTimeout(resolve, 25));
  }
}
