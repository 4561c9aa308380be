/**
 * Child process of the webhook-intake scenario: `<spec.json>`. Runs autocannon against the runtime
 * (first a short `GET /api/health` reference, then the phase's mixed ACR webhook stream), apart from
 * the runtime so the load generator does not share the server's event loop, and prints one JSON line:
 * both autocannon summaries and, per target, how many qualifying pushes were answered 202.
 *
 * The stream is drawn message by message from a seeded generator shared by every connection, so its
 * mix holds however many requests the window ends up sending (see ./webhookStream.ts).
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { WebhookStream, type StreamMessage, type StreamSpec } from "./webhookStream.js";

/** What the parent passes in the spec file. */
export interface LoadSpec {
  baseUrl: string;
  secretHeader: string;
  secret: string;
  connections: number;
  /** Seconds of the reference `GET /api/health` load (0: none). */
  referenceSeconds: number;
  /** Seconds of the webhook stream. */
  seconds: number;
  stream: StreamSpec;
}

/** The part of an autocannon result the parent reads. */
export interface LoadSummary {
  requests: number;
  seconds: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The child's JSON line. */
export interface LoadReport {
  reference?: LoadSummary;
  /** Absent when the spec asked for the reference alone (`seconds` 0). */
  webhook?: LoadSummary;
  /** Messages sent per kind. */
  sent: Record<StreamMessage["kind"], number>;
  /** Per target index: qualifying pushes (new events and redeliveries) answered 202. */
  acceptedPushes: number[];
  /** Responses whose status was not the one the message should get. */
  unexpected: number;
  /** A few unexpected answers, for the report. */
  samples: string[];
}

function summary(result: autocannon.Result): LoadSummary {
  const statuses: Record<string, number> = {};
  for (const [key, value] of Object.entries(result)) {
    const match = /^(\d)xx$/.exec(key);
    if (match && typeof value === "number" && value > 0) statuses[key] = value;
  }
  return {
    requests: result.requests.total,
    seconds: result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statuses,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
  };
}

const spec = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as LoadSpec;

let reference: LoadSummary | undefined;
if (spec.referenceSeconds > 0) {
  reference = summary(await autocannon({ url: `${spec.baseUrl}/api/health`, connections: spec.connections, duration: spec.referenceSeconds }));
}

if (spec.seconds <= 0) {
  process.stdout.write(`${JSON.stringify({ ...(reference ? { reference } : {}), sent: {}, acceptedPushes: [], unexpected: 0, samples: [] })}\n`);
  process.exit(0);
}

const stream = new WebhookStream(spec.stream);
const sent: LoadReport["sent"] = { push: 0, redelivery: 0, ignoredAction: 0, ignoredTag: 0 };
const acceptedPushes = new Array<number>(spec.stream.targets.length).fill(0);
let unexpected = 0;
const samples: string[] = [];
// One message in flight per connection (no pipelining), so the connection's context names it.
interface ConnectionContext {
  message?: StreamMessage;
}

const result = await autocannon({
  url: spec.baseUrl,
  connections: spec.connections,
  duration: spec.seconds,
  requests: [
    {
      method: "POST",
      path: "/api/webhooks/acr",
      setupRequest: (request, context: ConnectionContext) => {
        const message = stream.next();
        context.message = message;
        sent[message.kind]++;
        return { ...request, method: "POST", path: "/api/webhooks/acr", headers: { "content-type": "application/json", [spec.secretHeader]: spec.secret }, body: message.body };
      },
      onResponse: (status, body, context: ConnectionContext) => {
        const message = context.message;
        if (!message) return;
        if (status !== 202) {
          unexpected++;
          if (samples.length < 5) samples.push(`${message.kind}: ${status} ${body.slice(0, 200)}`);
          return;
        }
        if (message.kind === "push" || message.kind === "redelivery") acceptedPushes[message.target] = (acceptedPushes[message.target] ?? 0) + 1;
      },
    },
  ],
});

const report: LoadReport = { ...(reference ? { reference } : {}), webhook: summary(result), sent, acceptedPushes, unexpected, samples };
process.stdout.write(`${JSON.stringify(report)}\n`);
