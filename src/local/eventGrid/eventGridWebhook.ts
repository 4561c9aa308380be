/**
 * The Event Grid extension's webhook, `/runtime/webhooks/eventgrid?functionName=<name>`, answering
 * exactly as Microsoft.Azure.WebJobs.Extensions.EventGrid does (Azure/azure-sdk-for-net,
 * sdk/eventgrid/Microsoft.Azure.WebJobs.Extensions.EventGrid/src):
 * - Config/EventGridExtensionConfigProvider.cs `ProcessAsync`: an unknown or missing `functionName`
 *   (looked up in a plain, case-sensitive Dictionary) is 404 with `cannot find function: '<name>'`.
 * - TriggerBinding/HttpRequestProcessor.cs `ProcessAsync`:
 *   - `OPTIONS` is the CloudEvents abuse-protection handshake: 200 with `Webhook-Allowed-Origin` set
 *     to the request's `WebHook-Request-Origin` when it is one of the Event Grid clouds, else
 *     `eventgrid.azure.net`. (A Node function binds as a string, so its BindingType is Unknown and
 *     neither schema is refused with 409.)
 *   - `aeg-event-type: SubscriptionValidation`: 200 with `{"validationResponse":"<code>"}`, the code
 *     from `[0].data.validationCode` (Event Grid schema array) or from the double-encoded `data` of a
 *     single CloudEvent object.
 *   - `aeg-event-type: Notification`: the body is an array (Event Grid schema, CloudEvents batch) or one
 *     object (a single CloudEvent), dates left as strings; each event is one invocation (a Node
 *     function's parameter is not an array: single dispatch), all run concurrently; 202 when all
 *     succeeded, else 500 with the first failure's message.
 *   - `aeg-event-type: Unsubscribe`: 202. Any other or no `aeg-event-type`: 400.
 * Content the extension cannot parse throws there, which the host answers with 500.
 */

/** A request to the webhook, already authorised with the extension's system key. */
export interface EventGridRequest {
  method: string;
  /** Query string without `?`. */
  search: string;
  /** Lower-case header names, as node gives them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

/** What to send back. */
export interface EventGridResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

/** Runs one event through the named function; rejects when the invocation failed. */
export type EventGridInvoker = (functionName: string, event: unknown) => Promise<void>;

/** The system key name the host gives the Event Grid extension's webhook. */
export const EVENT_GRID_SYSTEM_KEY_NAME = "eventgrid_extension";

/** The webhook path under the host (the host matches the extension name case-insensitively). */
export const EVENT_GRID_WEBHOOK_PATH = "/runtime/webhooks/eventgrid";

const EVENT_GRID_ORIGINS = new Set(["eventgrid.azure.net", "eventgrid.azure.us", "eventgrid.azure.eaglex.ic.gov", "eventgrid.azure.microsoft.scloud", "eventgrid.azure.cn"]);
// StringContent's default content type.
const TEXT = { "Content-Type": "text/plain; charset=utf-8" };

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// HttpRequestProcessor.GetAllowedOriginResponseHeader.
function allowedOrigin(requested: string | undefined): string {
  return requested !== undefined && EVENT_GRID_ORIGINS.has(requested) ? requested : "eventgrid.azure.net";
}

// An exception escaping the extension (unparseable content, no validation code) becomes the host's bare 500.
function fail(): EventGridResponse {
  return { status: 500, headers: {} };
}

// JToken.ToString(): a string's text, any other value's JSON.
function codeText(data: unknown): string | undefined {
  const code: unknown = typeof data === "object" && data !== null ? (data as { validationCode?: unknown }).validationCode : undefined;
  if (code === undefined || code === null) return undefined;
  return typeof code === "string" ? code : JSON.stringify(code);
}

function validationCode(parsed: unknown): string | undefined {
  if (Array.isArray(parsed)) {
    const first: unknown = parsed[0];
    return codeText(typeof first === "object" && first !== null ? (first as { data?: unknown }).data : undefined);
  }
  if (typeof parsed === "object" && parsed !== null) {
    // The CloudEvent subscription event double-encodes data: JToken.Parse(events["data"].ToString()).
    const raw: unknown = (parsed as { data?: unknown }).data;
    return codeText(typeof raw === "string" ? JSON.parse(raw) : raw);
  }
  return undefined;
}

/** Names of the registered Event Grid functions, and how to run one. */
export interface EventGridFunctions {
  has(functionName: string): boolean;
  invoke: EventGridInvoker;
}

/** Answers one webhook request. */
export async function processEventGridRequest(request: EventGridRequest, functions: EventGridFunctions): Promise<EventGridResponse> {
  const functionName = new URLSearchParams(request.search).get("functionName");
  if (!functionName || !functions.has(functionName)) {
    return { status: 404, headers: { ...TEXT }, body: `cannot find function: '${functionName ?? ""}'` };
  }
  if (request.method.toUpperCase() === "OPTIONS") {
    return { status: 200, headers: { "Webhook-Allowed-Origin": allowedOrigin(firstHeader(request.headers["webhook-request-origin"])) } };
  }
  const eventType = firstHeader(request.headers["aeg-event-type"])?.toLowerCase();
  try {
    if (eventType === "subscriptionvalidation") {
      const code = validationCode(JSON.parse(request.body.toString("utf8")));
      if (code === undefined) return fail();
      return { status: 200, headers: { ...TEXT }, body: JSON.stringify({ validationResponse: code }) };
    }
    if (eventType === "notification") {
      const parsed: unknown = JSON.parse(request.body.toString("utf8"));
      if (typeof parsed !== "object" || parsed === null) return fail();
      const events: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
      const results = await Promise.allSettled(events.map((event) => functions.invoke(functionName, event)));
      // The script host's failed FunctionResult carries this FunctionInvocationException message.
      if (results.some((r) => r.status === "rejected")) return { status: 500, headers: { ...TEXT }, body: `Exception while executing function: Functions.${functionName}` };
      return { status: 202, headers: {} };
    }
  } catch {
    return fail();
  }
  return eventType === "unsubscribe" ? { status: 202, headers: {} } : { status: 400, headers: {} };
}
