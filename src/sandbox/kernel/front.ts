/**
 * The sandbox's front door, playing the parts of Azure Resource Manager that sit before a resource
 * provider: bearer-token check, `api-version` check, per-subscription token buckets, injected faults,
 * correlation/request ids on every response, ARM error bodies for unknown routes, and the call log.
 * Requests under `/_sandbox/` are scenario control: no auth, no throttling, not logged.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ArmThrottle, BucketKind } from "./armThrottle.js";
import type { CallLog } from "./callLog.js";
import type { FaultInjector, FaultRule } from "./faults.js";
import { defaultCodeFor } from "./faults.js";
import { decodeJsonBody, flattenHeaders, readBody, writeReply } from "./httpIo.js";
import { RouteMatcher, type RouteMatch } from "./routeMatcher.js";
import { armError, type ResourceGroupRef, type SandboxContext, type SandboxReply, type SandboxRequest, type SandboxRoute } from "./types.js";

/** Everything the front needs; routes are fixed at construction. */
export interface FrontOptions {
  context: SandboxContext;
  /** ARM and data-plane routes of every provider. */
  routes: SandboxRoute[];
  /** Control routes with absolute templates (already under `/_sandbox`). */
  controlRoutes: SandboxRoute[];
  callLog: CallLog;
  faults: FaultInjector;
  throttle: ArmThrottle;
  /** The subscription's global buckets (all principals together), reported beside the per-principal ones. */
  globalThrottle?: ArmThrottle;
  /** The origin clients reach the sandbox on (known once the server listens). */
  origin(): string;
  /** The resource groups that exist now (those holding a resource); default: every one (no check). */
  resourceGroups?(): ResourceGroupRef[];
  /** Runs after a request was handled and logged, before its reply leaves (a persistent sandbox saves here). */
  beforeReply?(): void;
}

/** The path prefix of scenario-control routes. */
export const CONTROL_PREFIX = "/_sandbox";

const ARM_PATH = /^\/(subscriptions|providers|tenants|resourcegroups)(\/|$)/i;
const SUBSCRIPTION_IN_PATH = /^\/subscriptions\/([^/]+)/i;

/** Builds the Node request listener that serves every sandbox request. */
export function createFront(options: FrontOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const routes = new RouteMatcher<SandboxRoute>();
  for (const route of options.routes) routes.add(route.template, route);
  const control = new RouteMatcher<SandboxRoute>();
  for (const route of options.controlRoutes) control.add(route.template, route);

  return (req, res) => {
    serve(req, res, options, routes, control).catch(() => {
      // The socket is gone or a header was already sent; there is no one left to tell.
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  options: FrontOptions,
  routes: RouteMatcher<SandboxRoute>,
  control: RouteMatcher<SandboxRoute>,
): Promise<void> {
  const { clock } = options.context;
  const arrivedAt = clock.now();
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", options.origin());
  const path = url.pathname;
  const headers = flattenHeaders(req);
  const correlationId = headers["x-ms-correlation-request-id"] || randomUUID();
  const requestId = randomUUID();
  const baseHeaders: Record<string, string> = { "x-ms-correlation-request-id": correlationId, "x-ms-request-id": requestId };
  const rawBody = await readBody(req);

  if (path.toLowerCase() === CONTROL_PREFIX || path.toLowerCase().startsWith(`${CONTROL_PREFIX}/`)) {
    const hit = control.matchAll(path).find((m) => m.value.method === method);
    const reply = hit ? await invoke(hit, method, url, headers, rawBody, options, true) : armError(404, "NotFound", `No sandbox control route ${method} ${path}.`);
    options.beforeReply?.();
    writeReply(res, method, reply, baseHeaders);
    return;
  }

  const matched = routes.matchAll(path);
  const hit = matched.find((m) => m.value.method === method);
  const route = hit?.value;
  const plane: "arm" | "data" = route?.plane ?? (ARM_PATH.test(path) ? "arm" : "data");
  const operation = route?.operation ?? "unknown";
  let throttled = false;
  let fault: FaultRule | undefined;

  const reply = await (async (): Promise<SandboxReply> => {
    if (plane === "arm") {
      const denied = checkArmRequest(headers, url.searchParams) ?? (route ? checkApiVersion(route, url.searchParams.get("api-version") ?? "") : undefined);
      if (denied) return denied;
      const bucket: BucketKind = (route ? route.kind === "read" : method === "GET" || method === "HEAD") ? "reads" : "writes";
      const key = subscriptionKey(path);
      // ARM's front door stamps every answer with where it was routed: <REGION>:<time>:<request id>.
      baseHeaders["x-ms-routing-request-id"] = `EASTUS:${new Date(arrivedAt).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "")}:${requestId}`;
      const taken = options.throttle.take(key, bucket);
      baseHeaders[`x-ms-ratelimit-remaining-subscription-${bucket}`] = String(taken.remaining);
      const global = options.globalThrottle?.take(key, bucket);
      if (global) baseHeaders[`x-ms-ratelimit-remaining-subscription-global-${bucket}`] = String(global.remaining);
      if (global && !global.allowed) {
        throttled = true;
        return armError(429, "TooManyRequests", `The subscription has exceeded its global ARM ${bucket} limit. Retry after ${global.retryAfterSeconds} seconds.`, {
          "retry-after": String(global.retryAfterSeconds),
        });
      }
      if (!taken.allowed) {
        throttled = true;
        return armError(429, "TooManyRequests", `The subscription has exceeded its ARM ${bucket} limit. Retry after ${taken.retryAfterSeconds} seconds.`, {
          "retry-after": String(taken.retryAfterSeconds),
        });
      }
    }
    fault = options.faults.take({ operation, method, path, plane });
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault?.delayMs));
    if (fault?.status !== undefined) return faultReply(fault, fault.status);
    // A create in a resource group that does not exist never reaches the provider.
    const missingScope = plane === "arm" && options.resourceGroups ? missingScopeOf(path, options.resourceGroups()) : undefined;
    if (missingScope && method === "PUT") return missingScope;
    const answer = await (hit ? invoke(hit, method, url, headers, rawBody, options, hit.value.plane === "arm") : unmatched(path, method, matched.length > 0, plane));
    // ARM says which scope is missing when the resource is not found because its group or subscription is.
    return answer.status === 404 && missingScope ? missingScope : answer;
  })();

  // Logged (and saved) before the reply leaves: a call the client saw answered survives a crash.
  options.callLog.record({
    time: new Date(arrivedAt).toISOString(),
    method,
    path,
    operation,
    resourceId: resourceIdOf(path, route),
    status: reply.status,
    correlationId,
    requestId,
    plane,
    apiVersion: url.searchParams.get("api-version") ?? undefined,
    throttled,
    faulted: fault !== undefined,
  });
  options.beforeReply?.();
  writeReply(res, method, reply, baseHeaders);
}

/** Runs a matched route's handler; a handler that throws becomes an ARM 500. */
async function invoke(
  hit: RouteMatch<SandboxRoute>,
  method: string,
  url: URL,
  headers: Record<string, string | undefined>,
  rawBody: Buffer,
  options: FrontOptions,
  /** ARM and control routes take JSON only; data-plane routes may read non-JSON (blobs) from rawBody. */
  jsonOnly: boolean,
): Promise<SandboxReply> {
  const decoded = decodeJsonBody(rawBody, headers["content-type"]);
  if (!decoded.ok && jsonOnly) {
    return armError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
  }
  const request: SandboxRequest = {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: decoded.ok ? decoded.body : undefined,
    rawBody,
    params: hit.params,
    origin: options.origin(),
  };
  try {
    return await hit.value.handler(request, options.context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return armError(500, "InternalServerError", `The sandbox failed to handle the request: ${message}`);
  }
}

/** ARM's pre-provider checks: a bearer token and an api-version. */
function checkArmRequest(headers: Record<string, string | undefined>, query: URLSearchParams): SandboxReply | undefined {
  if (!/^Bearer\s+\S+/i.test(headers.authorization ?? "")) {
    const description = headers.authorization ? "The access token is invalid." : "The authentication failed because of missing 'Authorization' header.";
    return armError(401, "AuthenticationFailed", description, {
      "www-authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="${description}"`,
    });
  }
  if (!query.get("api-version")) {
    return armError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  }
  return undefined;
}

const SCOPE_IN_PATH = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i;

/**
 * `SubscriptionNotFound` or `ResourceGroupNotFound` (404, worded as ARM words them) when the path's
 * subscription or resource group holds no resource, else undefined.
 */
function missingScopeOf(path: string, groups: ResourceGroupRef[]): SandboxReply | undefined {
  const scope = SCOPE_IN_PATH.exec(path);
  const subscriptionId = scope?.[1];
  if (!scope || !subscriptionId) return undefined;
  const inSubscription = groups.filter((group) => group.subscriptionId.toLowerCase() === subscriptionId.toLowerCase());
  if (inSubscription.length === 0) return armError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
  const resourceGroup = scope[2];
  if (resourceGroup && !inSubscription.some((group) => group.resourceGroup.toLowerCase() === resourceGroup.toLowerCase())) {
    return armError(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`);
  }
  return undefined;
}

/** A well-formed api-version: a date, optionally with a stage (`2019-06-01-preview`). */
const API_VERSION_FORM = /^\d{4}-\d{2}-\d{2}(-[a-z]+)?$/i;

/**
 * ARM's api-version check for the route's resource type, worded as ARM words it: a malformed value is
 * `InvalidApiVersionParameter`, a well-formed one the type does not have `NoRegisteredProviderFound`,
 * both naming the supported versions (Azure/azure-cli#28496, Azure/azure-sdk-for-js#4097).
 */
function checkApiVersion(route: SandboxRoute, apiVersion: string): SandboxReply | undefined {
  const supported = route.apiVersions;
  if (!supported || supported.includes(apiVersion)) return undefined;
  const newestFirst = [...supported].sort().reverse();
  if (!API_VERSION_FORM.test(apiVersion)) {
    return armError(400, "InvalidApiVersionParameter", `The api-version '${apiVersion}' is invalid. The supported versions are '${newestFirst.join(",")}'.`);
  }
  const provider = /\/providers\/([^/]+)\/(.+)$/i.exec(route.template);
  const type = provider?.[2]?.split("/").filter((_, index) => index % 2 === 0).join("/") ?? "unknown";
  return armError(
    400,
    "NoRegisteredProviderFound",
    `No registered resource provider found for location 'eastus' and API version '${apiVersion}' for type '${type}'. ` +
      `The supported api-versions are '${newestFirst.join(", ")}'. The supported locations are 'eastus, westeurope'.`,
  );
}

function faultReply(fault: FaultRule, status: number): SandboxReply {
  const code = fault.code ?? defaultCodeFor(status);
  const headers: Record<string, string> = { ...fault.headers };
  const retryAfter = fault.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
  return armError(status, code, fault.message ?? `Injected fault: ${code}.`, headers);
}

function unmatched(path: string, method: string, pathKnown: boolean, plane: "arm" | "data"): SandboxReply {
  if (pathKnown) return armError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`);
  const provider = /\/providers\/([^/]+)\/(.+)$/i.exec(path);
  if (plane === "arm" && provider?.[1] && provider[2]) {
    // Type segments alternate with name segments: registries/{name}/runs/{id} -> registries/runs.
    const type = provider[2].split("/").filter((_, index) => index % 2 === 0).join("/");
    return armError(404, "InvalidResourceType", `The resource type '${type}' could not be found in the namespace '${provider[1]}'.`);
  }
  return armError(404, "ResourceNotFound", `The resource '${path}' was not found.`);
}

function subscriptionKey(path: string): string {
  return SUBSCRIPTION_IN_PATH.exec(path)?.[1]?.toLowerCase() ?? "tenant";
}

/** The resource a call addresses: an action (`.../runs/ca1/cancel`) is attributed to its resource. */
function resourceIdOf(path: string, route: SandboxRoute | undefined): string {
  const trimmed = path.replace(/\/+$/, "");
  if (route?.kind === "action") return trimmed.slice(0, trimmed.lastIndexOf("/")) || trimmed;
  return trimmed;
}
