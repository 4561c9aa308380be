/**
 * The extension's local rpc endpoint: a loopback-only HTTP listener under `/durabletask/` that
 * `DurableClient` calls for every operation. Like the extension's listener it has no auth, which is
 * why it binds to 127.0.0.1 and nothing else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { BodyTooLargeError, readRequestBody, sendEmpty, sendJson } from "../net/requestBody.js";
import { closeServer, listenOnLoopback } from "../../common/loopbackServer.js";
import type { DurableApi, DurableApiReply } from "./durableApi.js";
import type { RpcFaults } from "./rpcFaults.js";

/** The path the rpc API lives under, as in the extension (`http://127.0.0.1:17071/durabletask/`). */
export const RPC_BASE_PATH = "/durabletask/";

/** A running rpc endpoint. */
export interface RpcServer {
  /** Base URL ending in `/`, the binding's `rpcBaseUrl`. */
  readonly rpcBaseUrl: string;
  readonly port: number;
  /** Starts answering with `api`; until then every request gets 503. */
  attach(api: DurableApi): void;
  /** Stops listening and closes idle and in-flight connections. */
  close(): Promise<void>;
}

/** Writes a {@link DurableApiReply} onto a node response. */
export function writeDurableReply(response: ServerResponse, reply: DurableApiReply): void {
  sendJson(response, reply.status, reply.body, reply.headers);
}

/** The request's `host` header if it looks like a host[:port], else the listener's own address. */
export function originOf(request: IncomingMessage, fallbackHost: string): string {
  const host = request.headers.host;
  return `http://${host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? host : fallbackHost}`;
}

/**
 * Answers one Durable API request: reads the body, hands it to `api` with the path below
 * `pathPrefix`, writes the reply. Shared by the rpc endpoint and the host's public webhooks.
 */
export function serveDurableApi(
  request: IncomingMessage,
  response: ServerResponse,
  api: DurableApi,
  target: { rawUrl: string; pathname: string; query: URLSearchParams; pathPrefix: string; selfHost: string },
): void {
  const origin = originOf(request, target.selfHost);
  readRequestBody(request)
    .then((body) =>
      api.handle({
        method: request.method ?? "GET",
        path: target.pathname.slice(target.pathPrefix.length),
        query: target.query,
        url: `${origin}${target.rawUrl}`,
        origin,
        contentType: request.headers["content-type"],
        continuationToken: headerValue(request.headers["x-ms-continuation-token"]),
        body,
      }),
    )
    .then(
      (reply) => writeDurableReply(response, reply),
      (error: unknown) => sendEmpty(response, error instanceof BodyTooLargeError ? 413 : 500),
    );
}

/** Starts the rpc endpoint on 127.0.0.1 (`port` 0 = any free port); it serves once an API is attached. */
export async function startRpcServer(options: { port?: number; faults?: RpcFaults } = {}): Promise<RpcServer> {
  let selfHost = "127.0.0.1";
  let api: DurableApi | undefined;
  const server: Server = createServer((request, response) => {
    const current = api;
    if (!current) {
      request.resume();
      sendEmpty(response, 503);
      return;
    }
    const rawUrl = request.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const pathname = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    if (!pathname.startsWith(RPC_BASE_PATH)) {
      sendEmpty(response, 404);
      return;
    }
    const faulted = options.faults?.take(request.method ?? "GET", pathname);
    if (faulted !== undefined) {
      request.resume();
      sendEmpty(response, faulted);
      return;
    }
    const query = new URLSearchParams(queryAt === -1 ? "" : rawUrl.slice(queryAt + 1));
    serveDurableApi(request, response, current, { rawUrl, pathname, query, pathPrefix: RPC_BASE_PATH, selfHost });
  });
  server.keepAliveTimeout = 30_000;
  const port = await listenOnLoopback(server, options.port);
  selfHost = `127.0.0.1:${port}`;
  return {
    rpcBaseUrl: `http://127.0.0.1:${port}${RPC_BASE_PATH}`,
    port,
    attach(next) {
      api = next;
    },
    close: () => closeServer(server),
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

