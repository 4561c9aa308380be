/**
 * Child process of the HTTP intake figure: `<url> <clients> <warmupMs> <measureMs>`. Runs `clients`
 * loops, each sending one GET after another over a shared keep-alive agent (one socket per loop),
 * counts the responses that complete inside the measuring window, and prints the result as JSON.
 * It runs apart from the runtime so the load generator does not share the server's event loop.
 */
import { Agent, get } from "node:http";
import type { Socket } from "node:net";

const [url = "", clientsText = "32", warmupText = "500", measureText = "3000"] = process.argv.slice(2);
const clients = Number(clientsText);
const warmupMs = Number(warmupText);
const measureMs = Number(measureText);

const agent = new Agent({ keepAlive: true, maxSockets: clients });
const sockets = new WeakSet<Socket>();
let connections = 0;
const statuses: Record<string, number> = {};
const latencies: number[] = [];
let errors = 0;

const started = performance.now();
const windowStart = started + warmupMs;
const windowEnd = windowStart + measureMs;

/** One request; resolves with its status (0 on a transport error). */
function request(): Promise<number> {
  return new Promise((resolve) => {
    const req = get(url, { agent }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
      res.once("error", () => resolve(0));
    });
    req.once("socket", (socket: Socket) => {
      if (!sockets.has(socket)) {
        sockets.add(socket);
        connections++;
      }
    });
    req.once("error", () => resolve(0));
  });
}

async function client(): Promise<void> {
  while (performance.now() < windowEnd) {
    const sent = performance.now();
    const status = await request();
    const done = performance.now();
    if (sent < windowStart || done > windowEnd) continue;
    if (status === 0) errors++;
    else statuses[status] = (statuses[status] ?? 0) + 1;
    latencies.push(done - sent);
  }
}

await Promise.all(Array.from({ length: clients }, () => client()));
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (p: number): number => latencies[Math.max(0, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0;
process.stdout.write(
  `${JSON.stringify({ requests: latencies.length, seconds: measureMs / 1000, statuses, errors, connections, p50Ms: at(50), p99Ms: at(99) })}\n`,
);
