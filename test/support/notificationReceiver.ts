/**
 * A real HTTP receiver for notification tests: it listens on loopback, records every request (with
 * the virtual clock's time it arrived at) and answers from a script per path, then with a default.
 * Stopping it before a deploy plays a receiver that is down.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "../../src/common/clock.js";

/** One request the receiver got. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage["headers"];
  /** The body exactly as received. */
  raw: string;
  /** Parsed JSON body (undefined when it was not JSON). */
  json: unknown;
  /** Virtual time it arrived (epoch ms). */
  at: number;
}

/** One scripted answer. */
export interface ScriptedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A running receiver. */
export interface NotificationReceiver {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  received: ReceivedRequest[];
  /** Requests to `path`. */
  at(path: string): ReceivedRequest[];
  /** The next answers for `path`, in order; afterwards the default answer. */
  script(path: string, answers: ScriptedAnswer[]): void;
  /** Forgets the requests and scripts. */
  clear(): void;
  stop(): Promise<void>;
}

/** Default answers: Teams Workflows 202, Slack 200 "ok", anything else 204. */
function defaultAnswer(path: string): ScriptedAnswer {
  if (path.startsWith("/teams")) return { status: 202 };
  if (path.startsWith("/slack")) return { status: 200, body: "ok" };
  return { status: 204 };
}

/** Starts a receiver on 127.0.0.1 with a free port. */
export async function startNotificationReceiver(clock: Clock): Promise<NotificationReceiver> {
  const received: ReceivedRequest[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        json = undefined;
      }
      const path = request.url ?? "/";
      received.push({ path, headers: request.headers, raw, json, at: clock.now() });
      const answer = scripts.get(path)?.shift() ?? defaultAnswer(path);
      response.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      response.end(answer.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    at: (path) => received.filter((r) => r.path === path),
    script: (path, answers) => scripts.set(path, [...answers]),
    clear: () => {
      received.length = 0;
      scripts.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
