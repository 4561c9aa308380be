/**
 * Auto-rollout's incoming endpoints: `POST /webhooks/acr` (the ACR push webhook, under `/api`) and
 * the Event Grid `ImagePushed` delivery, which the Functions host's Event Grid extension receives at
 * `/runtime/webhooks/eventgrid?functionName=acrImagePushed` (outside `/api`, hence the path's own
 * `servers`) and hands to the function event by event. Payload schemas follow the ACR webhook
 * reference and the Event Grid ContainerRegistry examples (test/fixtures/acr-push-events/).
 */
import { DEFAULT_WEBHOOK_SECRET_HEADER } from "../../../config/settings.js";
import { json, problem, ref, schemaRef } from "./refs.js";
import type { PathItemObject, PathsObject } from "./types.js";

export const webhookPaths: PathsObject = {
  "/webhooks/acr": {
    post: {
      operationId: "receiveAcrWebhook",
      tags: ["auto-rollout"],
      summary: "The ACR webhook: a push to a followed repository starts auto-rollout",
      description:
        "Anonymous to the Functions host (no function key): ACR authenticates with a shared secret in a header set with `az acr webhook create --headers`, " +
        `named by ACA_ROLLOUT_WEBHOOK_SECRET_HEADER (default \`${DEFAULT_WEBHOOK_SECRET_HEADER}\`) and compared in constant time with ACA_ROLLOUT_WEBHOOK_SECRET. ` +
        "Answers within a second (ACR waits about 5 s and never retries): a push is handed to one orchestration per target that follows the registry and repository " +
        "with auto-rollout on; the registry check, dedupe and coalescing follow, and each decision shows in GET /targets/{name} `decisions`.",
      security: [],
      parameters: [
        {
          name: DEFAULT_WEBHOOK_SECRET_HEADER,
          in: "header",
          required: true,
          description: "The shared secret (the header's name is ACA_ROLLOUT_WEBHOOK_SECRET_HEADER). Missing, wrong, or of another length: 401.",
          schema: { type: "string" },
        },
      ],
      requestBody: { required: true, content: json(schemaRef("AcrWebhookPayload")) },
      responses: {
        "200": { description: "A ping (`az acr webhook ping`).", content: json(schemaRef("WebhookAnswer")) },
        "202": { description: "A push handed to auto-rollout (`accepted`, naming the targets), or an action or push that starts nothing (`ignored`, with the reason).", content: json(schemaRef("WebhookAnswer")) },
        "400": ref("responses", "InvalidBody"),
        "401": { description: "The secret header is missing or wrong. No body; nothing happens." },
        "413": ref("responses", "PayloadTooLarge"),
        "415": ref("responses", "UnsupportedMediaType"),
        "500": problem(500, "An unexpected failure handing the push on.", ["internal"]),
      },
    },
  },
};

/** The Event Grid extension's endpoint (the host serves it; the local runtime serves it the same way). */
export const EVENT_GRID_PATH = "/runtime/webhooks/eventgrid";

/** The Event Grid delivery to the `acrImagePushed` function, through the host's extension endpoint. */
const eventGridPath: PathItemObject = {
    servers: [{ url: "/", description: "The Functions host root: the extension's endpoint is not under /api." }],
    parameters: [
      { name: "functionName", in: "query", required: true, schema: { type: "string", enum: ["acrImagePushed"] } },
      { name: "code", in: "query", required: false, description: "The eventgrid_extension system key (or the x-functions-key header).", schema: { type: "string" } },
      { name: "aeg-event-type", in: "header", required: true, schema: { type: "string", enum: ["Notification", "SubscriptionValidation", "Unsubscribe"] } },
    ],
    post: {
      operationId: "acrImagePushed",
      tags: ["auto-rollout"],
      summary: "Event Grid Microsoft.ContainerRegistry.ImagePushed, to the acrImagePushed function",
      description:
        "An Event Grid subscription on the registry (endpoint type AzureFunction, function acrImagePushed, event type Microsoft.ContainerRegistry.ImagePushed) delivers here. " +
        "The Functions host's Event Grid extension answers the SubscriptionValidation handshake and the CloudEvents OPTIONS request itself and invokes the function once per event; " +
        "the event is read with @azure/eventgrid's deserializer and handled as a webhook push (same matching, registry check, dedupe and coalescing). Event Grid schema (an array) or CloudEvents 1.0.",
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: { oneOf: [{ type: "array", items: schemaRef("EventGridImagePushedEvent") }, schemaRef("CloudEventImagePushed")] } },
          "application/cloudevents+json": { schema: schemaRef("CloudEventImagePushed") },
          "application/cloudevents-batch+json": { schema: { type: "array", items: schemaRef("CloudEventImagePushed") } },
        },
      },
      responses: {
        "200": { description: "The extension's answer to a SubscriptionValidation event or an OPTIONS request." },
        "202": { description: "Every event was handled (the extension's answer)." },
        "500": { description: "A function invocation failed (e.g. the durable store was unreachable); Event Grid retries." },
      },
    },
};

webhookPaths[EVENT_GRID_PATH] = eventGridPath;
