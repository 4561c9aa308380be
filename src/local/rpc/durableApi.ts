/**
 * The Durable extension's HTTP API (its `HttpApiHandler`), translated onto the local
 * {@link OrchestrationEngine}. The same handler serves the loopback rpc endpoint that `df.getClient`
 * calls and the public `/runtime/webhooks/durabletask` URLs that `createCheckStatusResponse` hands
 * out, with the extension's routes, status codes and bodies.
 */
import { InstanceExistsError, InstanceNotFoundError, type InstanceQuery, type OrchestrationEngine, type RuntimeStatus } from "../engine/api.js";
import { managementUrlsFor } from "./clientBinding.js";
import { isTerminalStatus, toStatusPayload } from "./statusPayload.js";

/** A request to the API, with the path relative to the API root (e.g. `instances/abc`). */
export interface DurableApiRequest {
  method: string;
  /** Path below the API root, still URL-encoded, without query. */
  path: string;
  query: URLSearchParams;
  /** The full URL as the caller used it (for `Location` headers). */
  url: string;
  /** Origin the caller reached (for management links in 202 answers). */
  origin: string;
  contentType: string | undefined;
  continuationToken: string | undefined;
  body: Buffer;
}

/** The API's answer; `body` is serialised as JSON when defined. */
export interface DurableApiReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What the handler needs besides the engine. */
export interface DurableApiOptions {
  taskHub: string;
  systemKey: string;
  connectionName?: string;
  /** Whether an orchestrator function of that name is registered (unknown names are a 400, as in the extension). */
  isOrchestrator(name: string): boolean;
  /** Reports unexpected failures (500s); never given secrets. */
  logError?(message: string, error: unknown): void;
  /** Fresh instance ids; the extension uses a GUID without dashes. */
  newInstanceId?(): string;
}

const RUNTIME_STATUSES: readonly RuntimeStatus[] = ["Pending", "Running", "Completed", "ContinuedAsNew", "Failed", "Canceled", "Terminated", "Suspended"];

class BadRequest extends Error {}

function decodeSegments(path: string): string[] | undefined {
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return [];
  try {
    return trimmed.split("/").map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

function message(status: number, text: string): DurableApiReply {
  return { status, body: { Message: text } };
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    throw new BadRequest("Invalid JSON content");
  }
}

function isJsonMediaType(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase() === "application/json";
}

function parseBoolean(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name)?.trim().toLowerCase();
  return value === "true" ? true : value === "false" ? false : undefined;
}

function parseDate(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function parseStatuses(query: URLSearchParams): RuntimeStatus[] | undefined {
  const values = query.getAll("runtimeStatus").flatMap((v) => v.split(","));
  const statuses = values
    .map((v) => RUNTIME_STATUSES.find((s) => s.toLowerCase() === v.trim().toLowerCase()))
    .filter((s): s is RuntimeStatus => s !== undefined);
  return statuses.length > 0 ? statuses : undefined;
}

/** Serves the extension's API over an engine. */
export class DurableApi {
  constructor(
    private readonly engine: OrchestrationEngine,
    private readonly options: DurableApiOptions,
  ) {}

  /** Handles one request; never throws (unexpected failures become the extension's 500). */
  async handle(request: DurableApiRequest): Promise<DurableApiReply> {
    try {
      return await this.route(request);
    } catch (error) {
      if (error instanceof BadRequest) return message(400, error.message);
      if (error instanceof InstanceExistsError) return message(409, error.message);
      if (error instanceof InstanceNotFoundError) return { status: 404 };
      this.options.logError?.(`Durable API ${request.method} failed`, error);
      return message(500, "Something went wrong while processing your request");
    }
  }

  private route(request: DurableApiRequest): Promise<DurableApiReply> {
    const segments = decodeSegments(request.path);
    const notFound = Promise.resolve<DurableApiReply>({ status: 404 });
    if (!segments || segments.length === 0) return notFound;
    const [controller, a, b, c, ...rest] = segments;
    const method = request.method.toUpperCase();
    // Literal segments match case-insensitively, as in the extension's route templates.
    switch (controller?.toLowerCase()) {
      case "orchestrators":
        if (a === undefined || c !== undefined) return notFound;
        return method === "POST" ? this.start(request, a, b) : notFound;
      case "entities":
        if (b === undefined || c !== undefined) {
          if (a !== undefined && b === undefined && method === "GET") return Promise.resolve(message(501, "Listing entities is not supported by the local runtime."));
          return notFound;
        }
        if (method === "GET") return this.readEntity(a ?? "", b);
        if (method === "POST" || method === "DELETE") return this.signalEntity(request, a ?? "", b, method);
        return notFound;
      case "instances":
        if (rest.length > 0) return notFound;
        if (c !== undefined) {
          // instances/{id}/raiseEvent/{eventName}
          if (b?.toLowerCase() === "raiseevent" && method === "POST" && a) return this.raiseEvent(request, a, c);
          return notFound;
        }
        if (!a) {
          if (method === "GET") return this.list(request);
          if (method === "DELETE") return this.purgeByFilter(request);
          return notFound;
        }
        if (b === undefined) {
          if (method === "GET") return this.status(request, a);
          if (method === "DELETE") return this.purge(a);
          return notFound;
        }
        if (method !== "POST") return notFound;
        switch (b.toLowerCase()) {
          case "terminate":
            return this.terminate(request, a);
          case "restart":
            return this.restart(request, a);
          case "suspend":
          case "resume":
            return this.unsupportedLifecycle(a, b.toLowerCase());
          case "rewind":
            return this.rewind(a);
          default:
            return notFound;
        }
      default:
        return notFound;
    }
  }

  private checkStatusReply(request: DurableApiRequest, instanceId: string): DurableApiReply {
    const links = managementUrlsFor(request.origin, instanceId, this.options);
    return {
      status: 202,
      headers: { Location: links.statusQueryGetUri, "Retry-After": "10" },
      body: {
        id: instanceId,
        statusQueryGetUri: links.statusQueryGetUri,
        sendEventPostUri: links.sendEventPostUri,
        terminatePostUri: links.terminatePostUri,
        purgeHistoryDeleteUri: links.purgeHistoryDeleteUri,
        restartPostUri: links.restartPostUri,
        suspendPostUri: links.suspendPostUri,
        resumePostUri: links.resumePostUri,
      },
    };
  }

  private newId(): string {
    return this.options.newInstanceId?.() ?? crypto.randomUUID().replaceAll("-", "");
  }

  private async start(request: DurableApiRequest, functionName: string, instanceId: string | undefined): Promise<DurableApiReply> {
    const input = parseJson(request.body);
    if (!this.options.isOrchestrator(functionName)) {
      throw new BadRequest(`The function '${functionName}' doesn't exist, is disabled, or is not an orchestrator function.`);
    }
    const id = await this.engine.startNew(functionName, { instanceId: instanceId || this.newId(), input });
    return this.checkStatusReply(request, id);
  }

  private async status(request: DurableApiRequest, instanceId: string): Promise<DurableApiReply> {
    const showInput = parseBoolean(request.query, "showInput") ?? true;
    const status = await this.engine.getStatus(instanceId, {
      showHistory: parseBoolean(request.query, "showHistory") ?? false,
      showHistoryOutput: parseBoolean(request.query, "showHistoryOutput") ?? false,
      showInput,
    });
    if (!status) return { status: 404 };
    const payload = toStatusPayload(status, showInput);
    switch (status.runtimeStatus) {
      case "Running":
      case "Pending":
      case "ContinuedAsNew":
      case "Suspended":
        return { status: 202, headers: { Location: request.url, "Retry-After": "5" }, body: payload };
      case "Failed":
        return { status: parseBoolean(request.query, "returnInternalServerErrorOnFailure") ? 500 : 200, body: payload };
      default:
        return { status: 200, body: payload };
    }
  }

  private async list(request: DurableApiRequest): Promise<DurableApiReply> {
    const query: InstanceQuery = {};
    const prefix = request.query.get("instanceIdPrefix");
    if (prefix !== null) query.instanceIdPrefix = prefix;
    const from = parseDate(request.query, "createdTimeFrom");
    if (from) query.createdTimeFrom = from;
    const to = parseDate(request.query, "createdTimeTo");
    if (to) query.createdTimeTo = to;
    const statuses = parseStatuses(request.query);
    if (statuses) query.runtimeStatus = statuses;
    const showInput = parseBoolean(request.query, "showInput");
    if (showInput !== undefined) query.showInput = showInput;
    const top = Number.parseInt(request.query.get("top") ?? "", 10);
    if (Number.isInteger(top) && top > 0) query.top = top;
    if (request.continuationToken) query.continuationToken = request.continuationToken;
    const page = await this.engine.listInstances(query);
    const headers: Record<string, string> = {};
    if (page.continuationToken) headers["x-ms-continuation-token"] = page.continuationToken;
    return { status: 200, headers, body: page.instances.map((s) => toStatusPayload(s, showInput ?? true)) };
  }

  private async purge(instanceId: string): Promise<DurableApiReply> {
    if (!instanceId.startsWith("@")) {
      const status = await this.engine.getStatus(instanceId);
      if (!status) return { status: 404 };
      if (!isTerminalStatus(status.runtimeStatus)) {
        return message(412, `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${status.runtimeStatus}`);
      }
    }
    const deleted = await this.engine.purge(instanceId);
    return { status: 200, body: { instancesDeleted: deleted ? 1 : 0 } };
  }

  private async purgeByFilter(request: DurableApiRequest): Promise<DurableApiReply> {
    const from = parseDate(request.query, "createdTimeFrom");
    if (!from) return { status: 400, body: "Please provide value for 'createdTimeFrom' parameter." };
    const statuses = parseStatuses(request.query);
    // Without createdTimeTo the extension uses "now": everything created so far, i.e. no upper bound.
    const query: InstanceQuery = { createdTimeFrom: from, showInput: false };
    const to = parseDate(request.query, "createdTimeTo");
    if (to) query.createdTimeTo = to;
    if (statuses) query.runtimeStatus = statuses;
    let deleted = 0;
    let continuationToken: string | undefined;
    do {
      const page = await this.engine.listInstances(continuationToken ? { ...query, continuationToken } : query);
      for (const instance of page.instances) {
        // Live instances are never purged from under a running orchestration.
        if (isTerminalStatus(instance.runtimeStatus) && (await this.engine.purge(instance.instanceId))) deleted++;
      }
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return deleted === 0 ? { status: 404 } : { status: 200, body: { instancesDeleted: deleted } };
  }

  private async raiseEvent(request: DurableApiRequest, instanceId: string, eventName: string): Promise<DurableApiReply> {
    const status = await this.engine.getStatus(instanceId, { showInput: false });
    if (!status) return { status: 404 };
    if (isTerminalStatus(status.runtimeStatus)) return { status: 410 };
    if (!isJsonMediaType(request.contentType)) return message(400, "Only application/json request content is supported");
    const data = parseJson(request.body);
    await this.engine.raiseEvent(instanceId, eventName, data);
    return { status: 202 };
  }

  private async terminate(request: DurableApiRequest, instanceId: string): Promise<DurableApiReply> {
    const status = await this.engine.getStatus(instanceId, { showInput: false });
    if (!status) return { status: 404 };
    if (isTerminalStatus(status.runtimeStatus)) return { status: 410 };
    await this.engine.terminate(instanceId, request.query.get("reason") ?? undefined);
    return { status: 202 };
  }

  private async restart(request: DurableApiRequest, instanceId: string): Promise<DurableApiReply> {
    const status = await this.engine.getStatus(instanceId, { showInput: true });
    if (!status) return message(400, "InstanceId does not match a valid orchestration instance.");
    const withNewId = parseBoolean(request.query, "restartWithNewInstanceId") ?? true;
    const id = await this.engine.startNew(status.name, { instanceId: withNewId ? this.newId() : instanceId, input: status.input });
    return this.checkStatusReply(request, id);
  }

  private async unsupportedLifecycle(instanceId: string, operation: string): Promise<DurableApiReply> {
    const status = await this.engine.getStatus(instanceId, { showInput: false });
    if (!status) return { status: 404 };
    if (isTerminalStatus(status.runtimeStatus)) return { status: 410 };
    return message(501, `The local runtime does not support ${operation}.`);
  }

  private async rewind(instanceId: string): Promise<DurableApiReply> {
    const status = await this.engine.getStatus(instanceId, { showInput: false });
    if (!status) return { status: 404, body: `No orchestration with instance ID "${instanceId}" found.` };
    if (status.runtimeStatus !== "Failed") {
      return { status: 412, body: `This orchestration has status ${status.runtimeStatus}, but only orchestrations in the "Failed" state can be rewound.` };
    }
    return message(501, "Rewind is not supported by the underlying storage provider.");
  }

  private async readEntity(name: string, key: string): Promise<DurableApiReply> {
    if (!name) return message(400, "The entity name must not be empty.");
    const state = await this.engine.readEntityState({ name, key: key === "$" ? "" : key });
    return state.exists ? { status: 200, body: state.state ?? null } : { status: 404 };
  }

  private async signalEntity(request: DurableApiRequest, name: string, key: string, method: string): Promise<DurableApiReply> {
    if (!name) return message(400, "The entity name must not be empty.");
    const operation = method === "DELETE" ? "delete" : (request.query.get("op") ?? "");
    let input: unknown;
    if (request.body.length > 0) {
      if (isJsonMediaType(request.contentType)) {
        try {
          input = JSON.parse(request.body.toString("utf8")) as unknown;
        } catch (error) {
          return message(400, `Could not parse JSON content: ${(error as Error).message}`);
        }
      } else {
        input = request.body.toString("utf8");
      }
    }
    await this.engine.signalEntity({ name, key }, operation, input);
    return { status: 202 };
  }
}
