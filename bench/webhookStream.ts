/**
 * The webhook-intake scenario's stream of ACR deliveries, drawn one message at a time from a seeded
 * generator (so every connection of the load shares one stream and the mix holds however many
 * requests a window sends). Bodies follow the reference payloads of the ACR webhook docs (the shapes
 * of test/fixtures/azure-rest-examples/docs/container-registry-webhook-reference):
 *
 * - push: a new push event (fresh `id`) for the next image of the phase's pool, round robin, under the
 *   tag the targets follow; after the pool has gone round once these are new events for images
 *   already reported (a CI retry re-pushing the same digest): 1 - redelivery - ignored of the stream;
 * - redelivery: the identical body of an earlier push event of the phase (same `id`, same digest);
 * - ignoredAction: a `delete` of an image or a `chart_push` (answered at once: they start nothing);
 * - ignoredTag: a push under a tag no target follows (handed on; the tag policy ignores it).
 */
import { mulberry32 } from "./draws.js";

/** What a phase's stream is made of. */
export interface StreamSpec {
  seed: number;
  /** Prefix of event ids, unique per phase. */
  phase: string;
  loginServer: string;
  /** The targets' repositories (index = target). */
  targets: ReadonlyArray<{ repository: string }>;
  /** The images new push events report, in round-robin order. */
  pool: ReadonlyArray<{ target: number; digest: string }>;
  /** The tag every target follows; pushes carry it. */
  tag: string;
  /** A tag no target follows. */
  ignoredTag: string;
  /** ISO time the push events carry. */
  timestamp: string;
  /** Shares of the stream, 0..1. */
  redeliveryShare: number;
  ignoredShare: number;
}

/** One message of the stream. */
export interface StreamMessage {
  kind: "push" | "redelivery" | "ignoredAction" | "ignoredTag";
  target: number;
  body: string;
}

const USER_AGENT = "docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.5.0 os/linux arch/amd64 UpstreamClient(Docker-Client/24.0.7 \\(linux\\))";
const MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

/** Draws messages; `next()` is the whole interface. */
export class WebhookStream {
  private readonly random: () => number;
  private readonly pushes: StreamMessage[] = [];
  private pushCount = 0;
  private others = 0;

  constructor(private readonly spec: StreamSpec) {
    if (spec.pool.length === 0) throw new RangeError("the stream needs at least one image");
    this.random = mulberry32(spec.seed);
  }

  /** The next message. */
  next(): StreamMessage {
    const r = this.random();
    if (r < this.spec.ignoredShare) return this.ignored();
    if (r < this.spec.ignoredShare + this.spec.redeliveryShare && this.pushes.length > 0) {
      const earlier = this.pushes[Math.floor(this.random() * this.pushes.length)] as StreamMessage;
      return { ...earlier, kind: "redelivery" };
    }
    const image = this.spec.pool[this.pushCount % this.spec.pool.length] as { target: number; digest: string };
    const message: StreamMessage = { kind: "push", target: image.target, body: this.pushBody(this.eventId("p", this.pushCount), image, this.spec.tag) };
    this.pushCount++;
    this.pushes.push(message);
    return message;
  }

  private ignored(): StreamMessage {
    const n = this.others++;
    const image = this.spec.pool[Math.floor(this.random() * this.spec.pool.length)] as { target: number; digest: string };
    const repository = this.repository(image.target);
    const id = this.eventId("i", n);
    switch (n % 3) {
      case 0:
        return { kind: "ignoredTag", target: image.target, body: this.pushBody(id, image, `${this.spec.ignoredTag}-${n}`) };
      case 1: {
        const body = { id, timestamp: this.spec.timestamp, action: "delete", target: { mediaType: MANIFEST, digest: image.digest, repository }, request: this.request(id, "DELETE") };
        return { kind: "ignoredAction", target: image.target, body: JSON.stringify(body) };
      }
      default: {
        const chart = { mediaType: "application/vnd.acr.helm.chart", size: 25265, digest: image.digest, repository, tag: `chart-${n}.tgz`, name: "chart", version: `${n}.tgz` };
        return { kind: "ignoredAction", target: image.target, body: JSON.stringify({ id, timestamp: this.spec.timestamp, action: "chart_push", target: chart }) };
      }
    }
  }

  private pushBody(id: string, image: { target: number; digest: string }, tag: string): string {
    const target = { mediaType: MANIFEST, size: 524, digest: image.digest, length: 524, repository: this.repository(image.target), tag };
    return JSON.stringify({ id, timestamp: this.spec.timestamp, action: "push", target, request: this.request(id, "PUT") });
  }

  private request(id: string, method: string): Record<string, string> {
    return { id: `r${id.slice(1)}`, host: this.spec.loginServer, method, useragent: USER_AGENT };
  }

  private repository(target: number): string {
    return (this.spec.targets[target] as { repository: string }).repository;
  }

  /** A UUID-shaped id, unique per phase, kind and number. */
  private eventId(kind: string, n: number): string {
    const hex = (value: number, width: number): string => value.toString(16).padStart(width, "0").slice(-width);
    const phase = hex([...this.spec.phase].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7), 8);
    return `${phase}-${kind === "p" ? "a000" : "b000"}-4000-8000-${hex(n, 12)}`;
  }
}
