/**
 * Plain HTTPS requests to a running sandbox, trusting its CA through an https.Agent (never by turning
 * verification off); for tests that need raw status, headers and bodies rather than an SDK client.
 */
import { Agent, request } from "node:https";

/** A raw response: status, lowercase headers, body text and its JSON (when it parses). */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Options for {@link sandboxRequest}. */
export interface RawRequestOptions {
  headers?: Record<string, string>;
  body?: unknown;
  /** Sends `Authorization: Bearer test-token` unless false. */
  bearer?: boolean;
  agent?: Agent;
}

/** An agent that trusts the sandbox CA and keeps connections open (for bursts of requests). */
export function trustingAgent(caPem: string): Agent {
  return new Agent({ ca: caPem, keepAlive: true, maxSockets: 16 });
}

/** Sends one request to `origin + path` and reads the whole response. */
export function sandboxRequest(target: { origin: string; caPem: string }, method: string, path: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const url = new URL(path, target.origin);
  const headers: Record<string, string> = { ...options.headers };
  if (options.bearer !== false) headers.authorization ??= "Bearer test-token";
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    if (Buffer.isBuffer(options.body)) {
      payload = options.body;
    } else {
      payload = Buffer.from(typeof options.body === "string" ? options.body : JSON.stringify(options.body));
      headers["content-type"] ??= "application/json";
    }
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: options.agent, ca: options.agent ? undefined : target.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text ? (JSON.parse(text) as unknown) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}
