/**
 * The local HTTP host: serves every registered `app.http` function under the route prefix with the
 * Functions host's routing, auth levels and response rules, plus the Durable extension's public
 * webhooks under `/runtime/webhooks/durabletask/` (system key required). Listens on 127.0.0.1 only.
 * Nothing on the request path touches the file system; handler failures are logged and answered
 * with an empty 500.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { DURABLE_WEBHOOK_PATH } from "../rpc/clientBinding.js";
import type { FunctionRegistry } from "../worker/functionRegistry.js";
import type { DurableApi } from "../rpc/durableApi.js";
import { closeServer, listenOnLoopback } from "../../common/loopbackServer.js";
import { originOf, serveDurableApi } from "../rpc/rpcServer.js";
import { DURABLE_SYSTEM_KEY_NAME, KeyChecker, presentedKey, type HostKeys } from "./hostKeys.js";
import type { HttpFunctionSpec } from "./httpFunction.js";
import { invokeHttpFunction, type FunctionLogger } from "./invokeHttpFunction.js";
import { BodyTooLargeError, readRequestBody, sendEmpty } from "../net/requestBody.js";
import { EVENT_GRID_SYSTEM_KEY_NAME, EVENT_GRID_WEBHOOK_PATH, processEventGridRequest, type EventGridFunctions } from "../eventGrid/eventGridWebhook.js";
import type { RequestLogger } from "./requestLog.js";
import { RouteTable } from "./routeTable.js";
import { writeHttpResponse } from "./writeHttpResponse.js";

/** How to start the host. */
export interface HttpHostOptions {
  functions: readonly HttpFunctionSpec[];
  /** host.json `extensions.http.routePrefix`; default `api`. */
  routePrefix?: string;
  keys: HostKeys;
  /** 0 (default) picks a free port. */
  port?: number;
  log: FunctionLogger;
  /** Told about every answered request (method, target, status, duration); default: nobody. */
  requestLog?: RequestLogger;
}

/** What the host needs once the engine exists; until then it answers 503. */
export interface HttpHostWiring {
  /** The registered functions, invoked through the worker. */
  registry: FunctionRegistry;
  durableApi: DurableApi;
  /** The `app.eventGrid` functions behind `/runtime/webhooks/eventgrid`. */
  eventGrid?: EventGridFunctions;
}

/** A running HTTP host. */
export interface HttpHost {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Connects the durable client binding and webhooks; requests before this get 503. */
  attach(wiring: HttpHostWiring): void;
  close(): Promise<void>;
}

const WEBHOOK_PREFIX = `${DURABLE_WEBHOOK_PATH}/`;
const LANDING_PAGE = "<html><body><h1>Your Functions 4.0 app is up and running</h1><p>aca-rollout local host</p></body></html>";

/** Starts the HTTP host on 127.0.0.1. Throws at start-up for route templates the host could not index. */
export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const routePrefix = options.routePrefix ?? "api";
  const routes = new RouteTable(options.functions, routePrefix);
  const keys = new KeyChecker(options.keys);
  const log = options.log;
  let wiring: HttpHostWiring | undefined;
  let selfHost = "127.0.0.1";

  const handleWebhook = (request: IncomingMessage, response: ServerResponse, api: DurableApi, rawUrl: string, pathname: string, search: string): void => {
    const query = new URLSearchParams(search);
    if (!keys.allowsSystem(DURABLE_SYSTEM_KEY_NAME, presentedKey(request.headers["x-functions-key"], query))) {
      request.resume();
      sendEmpty(response, 401);
      return;
    }
    serveDurableApi(request, response, api, { rawUrl, pathname, query, pathPrefix: WEBHOOK_PREFIX, selfHost });
  };

  // The host authorises extension webhooks with the extension's system key (or the master key).
  const handleEventGrid = (request: IncomingMessage, response: ServerResponse, functions: EventGridFunctions, search: string): void => {
    const query = new URLSearchParams(search);
    if (!keys.allowsSystem(EVENT_GRID_SYSTEM_KEY_NAME, presentedKey(request.headers["x-functions-key"], query))) {
      request.resume();
      sendEmpty(response, 401);
      return;
    }
    readRequestBody(request)
      .then((body) => processEventGridRequest({ method: request.method ?? "GET", search, headers: request.headers, body }, functions))
      .then((answer) => {
        response.statusCode = answer.status;
        for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
        const bytes = Buffer.from(answer.body ?? "", "utf8");
        response.setHeader("Content-Length", bytes.length);
        response.end(bytes);
      })
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          sendEmpty(response, 413);
          return;
        }
        log({ level: "error", functionName: "EventGrid", invocationId: "", message: describeError(error) });
        sendEmpty(response, 500);
      });
  };

  const server: Server = createServer((request, response) => {
    const requestLog = options.requestLog;
    if (requestLog) {
      const startedAt = performance.now();
      response.once("close", () =>
        requestLog({ method: request.method ?? "GET", target: request.url ?? "/", status: response.statusCode, durationMs: performance.now() - startedAt, completed: response.writableFinished }),
      );
    }
    const current = wiring;
    if (!current) {
      request.resume();
      sendEmpty(response, 503);
      return;
    }
    const rawUrl = request.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const pathname = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const search = queryAt === -1 ? "" : rawUrl.slice(queryAt + 1);
    const method = request.method ?? "GET";

    if (pathname.length >= WEBHOOK_PREFIX.length && pathname.slice(0, WEBHOOK_PREFIX.length).toLowerCase() === WEBHOOK_PREFIX) {
      handleWebhook(request, response, current.durableApi, rawUrl, pathname, search);
      return;
    }
    const bare = pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
    if (bare.toLowerCase() === EVENT_GRID_WEBHOOK_PATH && current.eventGrid) {
      handleEventGrid(request, response, current.eventGrid, search);
      return;
    }
    const match = routes.find(method, pathname);
    if (!match) {
      request.resume();
      if (pathname === "/" && routePrefix !== "" && (method === "GET" || method === "HEAD")) {
        response.setHeader("Content-Type", "text/html; charset=utf-8");
        response.end(LANDING_PAGE);
        return;
      }
      const allowed = routes.allowedMethods(pathname);
      if (allowed.length > 0) {
        response.setHeader("Allow", allowed.join(", "));
        sendEmpty(response, 405);
        return;
      }
      sendEmpty(response, 404);
      return;
    }
    const { spec, params } = match;
    if (spec.authLevel !== "anonymous") {
      const header = request.headers["x-functions-key"];
      const key = presentedKey(header, header ? undefined : new URLSearchParams(search));
      if (!keys.allows(spec.authLevel, key)) {
        request.resume();
        sendEmpty(response, 401);
        return;
      }
    }
    const origin = originOf(request, selfHost);
    const invocationId = randomUUID();
    readRequestBody(request)
      .then((body) => invokeHttpFunction(spec, { method, url: `${origin}${rawUrl}`, headers: request.headersDistinct, body, params }, current.registry, invocationId))
      .then((result) => writeHttpResponse(response, result))
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          sendEmpty(response, 413);
          return;
        }
        log({ level: "error", functionName: spec.name, invocationId, message: `Executed '${spec.name}' (Failed): ${describeError(error)}` });
        sendEmpty(response, 500);
      });
  });
  server.keepAliveTimeout = 30_000;

  const port = await listenOnLoopback(server, options.port);
  selfHost = `127.0.0.1:${port}`;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    attach(next) {
      wiring = next;
    },
    close: () => closeServer(server),
  };
}

/** An error for the server log: its stack when it has one (never sent to the client). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
