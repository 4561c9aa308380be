/**
 * Figure 4: requests per second the local runtime's HTTP front door serves for `GET /api/health`
 * (an anonymous function that builds a small JSON document) to keep-alive clients.
 */
import { runBenchChild } from "./childProcess.js";
import { printFigure, round } from "./figures.js";

/** The load child's JSON result. */
interface LoadResult {
  requests: number;
  seconds: number;
  statuses: Record<string, number>;
  errors: number;
  connections: number;
  p50Ms: number;
  p99Ms: number;
}

function isLoadResult(value: unknown): value is LoadResult {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return ["requests", "seconds", "errors", "connections", "p50Ms", "p99Ms"].every((key) => typeof record[key] === "number") && typeof record.statuses === "object";
}

/** Measures and prints the intake figure against `baseUrl` (the runtime's `http://127.0.0.1:<port>`). */
export async function benchHttpIntake(baseUrl: string, clients: number, measureMs: number): Promise<void> {
  const warmupMs = 500;
  const { result } = await runBenchChild("httpLoadChild.js", [`${baseUrl}/api/health`, String(clients), String(warmupMs), String(measureMs)], measureMs + warmupMs + 30_000);
  if (!isLoadResult(result)) throw new Error(`unexpected load result ${JSON.stringify(result)}`);
  const statuses = Object.entries(result.statuses)
    .map(([status, count]) => `${count}x${status}`)
    .join(", ");
  printFigure(
    "http intake GET /api/health",
    result.requests / result.seconds,
    "req/s",
    `${clients} keep-alive clients in a separate node process over ${result.connections} connections, ${result.seconds} s after ${warmupMs} ms warm-up; ` +
      `${result.requests} responses: ${statuses || "none"}, ${result.errors} transport errors; latency p50 ${round(result.p50Ms)} ms, p99 ${round(result.p99Ms)} ms`,
  );
}
