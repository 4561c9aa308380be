/**
 * The real registry backend: forwards Distribution API calls to docker-registry over loopback HTTP.
 * Bodies are small (manifests, tiny layers), so requests and responses are buffered whole.
 */
import { Agent, request } from "node:http";
import type { RegistryBackend, RegistryRequest, RegistryResponse } from "./registryBackend.js";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

// Hop-by-hop and transport headers we never forward in either direction.
const DROPPED_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "host", "date", "content-length"]);

/** Forwards to a Distribution registry at a loopback `http://` URL. */
export class UpstreamRegistry implements RegistryBackend {
  readonly kind = "docker-registry";
  readonly description: string;
  private readonly base: URL;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  constructor(url: string) {
    const base = new URL(url);
    if (base.protocol !== "http:" || !LOOPBACK_HOSTS.has(base.hostname)) {
      throw new Error(`The upstream registry must be a loopback http:// URL, got ${base.origin}`);
    }
    this.base = base;
    this.description = `docker-registry at ${base.origin}`;
  }

  /** Sends one request and buffers the whole response. */
  send(req: RegistryRequest): Promise<RegistryResponse> {
    const url = new URL(req.path, this.base);
    if (req.query) url.search = req.query.toString();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers ?? {})) {
      if (!DROPPED_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
    }
    const body = req.body ?? Buffer.alloc(0);
    if (req.method !== "GET" && req.method !== "HEAD") headers["content-length"] = String(body.length);
    return new Promise((resolve, reject) => {
      const outgoing = request(url, { method: req.method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const responseHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined || DROPPED_HEADERS.has(name)) continue;
            responseHeaders[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          // HEAD answers carry the size of what GET would return; keep it.
          if (req.method === "HEAD" && res.headers["content-length"]) responseHeaders["content-length"] = res.headers["content-length"];
          resolve({ status: res.statusCode ?? 502, headers: responseHeaders, body: Buffer.concat(chunks) });
        });
      });
      outgoing.on("error", reject);
      outgoing.end(body.length > 0 ? body : undefined);
    });
  }

  /** Closes pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}
