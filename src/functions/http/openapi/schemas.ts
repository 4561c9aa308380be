/**
 * The document's component schemas: the API's resources (apiTypes.ts), closed with
 * `additionalProperties: false` so a field added to a resource but not described here fails the
 * contract tests, and the request body, generated from its zod schema.
 */
import { z } from "zod";
import { MAX_STATUS_LINT_FINDINGS } from "../../../domain/buildReport.js";
import { CONTENT_HASH_PATTERN, DEPLOYMENT_ID_PATTERN, LINT_MODES, TARGET_NAME_PATTERN } from "../../../domain/deployment.js";
import { LINT_RULE_IDS } from "../../../domain/lintFinding.js";
import { deploymentRequestBodySchema } from "../../../domain/deploymentRequestSchema.js";
import { DIGEST_PATTERN, TAG_PATTERN } from "../../../domain/imageReference.js";
import { NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS } from "../../../domain/notification.js";
import type { StepStatus } from "../../../domain/timeline.js";
import { DEPLOYMENT_STATUSES } from "../apiTypes.js";
import { PROBLEM_TITLES, PROBLEM_TYPES, type ProblemTypeName } from "../problem.js";
import { schemaRef } from "./refs.js";
import type { SchemaObject } from "./types.js";

// Listed here because StepStatus is a type only; the check below fails compilation if one is missing.
const STEP_STATUSES = ["pending", "running", "succeeded", "failed", "skipped", "canceled"] as const satisfies readonly StepStatus[];
type MissingStepStatus = Exclude<StepStatus, (typeof STEP_STATUSES)[number]>;
const stepStatusesComplete: [MissingStepStatus] extends [never] ? true : never = true;
void stepStatusesComplete;

/** The JSON Schema of a zod schema, as a Schema Object (what a request must look like, written once). */
export function fromZod(schema: z.ZodType): SchemaObject {
  // Unrepresentable parts throw (the default); refinements without a JSON Schema form are left out.
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" });
  // The document's dialect is JSON Schema 2020-12, which is what toJSONSchema writes.
  return json as SchemaObject;
}

/** The health document, with problems described by `issue`. */
function healthSchema(description: string, issue: Record<string, SchemaObject>): SchemaObject {
  const issues = (what: string): SchemaObject => ({
    type: "array",
    description: what,
    items: { type: "object", additionalProperties: false, required: Object.keys(issue), properties: issue },
  });
  return {
    type: "object",
    additionalProperties: false,
    description,
    required: ["status", "version", "mode", "configuration"],
    properties: {
      status: { type: "string", enum: ["healthy", "unhealthy"], description: "`unhealthy` (503) while the settings or the targets are invalid; warnings never make it unhealthy." },
      version: { type: "string" },
      mode: { type: "string", enum: ["sandbox", "azure"], description: "Whether this instance talks to the Azure sandbox or to Azure." },
      configuration: {
        type: "object",
        additionalProperties: false,
        required: ["valid", "errors", "warnings"],
        properties: {
          valid: { type: "boolean" },
          errors: issues("What makes the settings or the targets invalid; any makes the answer 503."),
          warnings: issues("What a target declares that is accepted but not supported yet (autoRollout): it has no effect. The answer stays 200."),
        },
      },
    },
  };
}

const TIMESTAMP: SchemaObject = { type: "string", format: "date-time" };

export const schemas: Record<string, SchemaObject> = {
  DeploymentStatus: {
    type: "string",
    enum: [...DEPLOYMENT_STATUSES],
    description: "Where a deployment is. Succeeded, Failed, RolledBack, Canceled, Superseded and Quarantined are final. Quarantined: the digest (a tag resolved at run time) is quarantined for the app, so the deploy ended before any write; `reason` names the deploy that quarantined it and the DELETE that lifts it.",
  },
  TimelineStep: {
    type: "object",
    additionalProperties: false,
    required: ["name", "status"],
    properties: {
      name: { type: "string", examples: ["build", "resolve-digest", "deploy", "verify"] },
      status: { type: "string", enum: [...STEP_STATUSES] },
      startedAt: TIMESTAMP,
      finishedAt: TIMESTAMP,
      detail: { type: "string", description: "Short human detail (run id, revision, failure reason); never secrets." },
    },
  },
  ApiError: {
    type: "object",
    additionalProperties: false,
    description: "The failed Azure call behind a failure.",
    required: ["code", "message"],
    properties: {
      code: { type: "string", description: "The ARM or ACR error code." },
      message: { type: "string" },
      statusCode: { type: "integer" },
      correlationId: { type: "string", description: "Azure's x-ms-correlation-request-id." },
    },
  },
  DeploymentResource: {
    type: "object",
    additionalProperties: false,
    required: ["id", "target", "image", "status", "trigger", "createdAt", "updatedAt", "steps"],
    properties: {
      id: { type: "string", pattern: DEPLOYMENT_ID_PATTERN.source },
      target: { type: "string", description: "The target's name." },
      image: {
        type: "object",
        additionalProperties: false,
        required: ["loginServer", "repository"],
        properties: {
          loginServer: { type: "string", examples: ["myacr.azurecr.io"] },
          repository: { type: "string", examples: ["team/web"] },
          tag: { type: "string", pattern: TAG_PATTERN.source },
          digest: { type: "string", pattern: DIGEST_PATTERN.source, description: "Known once resolved, or when requested by digest." },
        },
      },
      status: schemaRef("DeploymentStatus"),
      trigger: schemaRef("DeploymentTrigger"),
      createdAt: {
        ...TIMESTAMP,
        description: "When the request was accepted, in milliseconds. Requests accepted in the same millisecond are stamped 1 ms apart in the order they started, so the list's order is start order.",
      },
      updatedAt: TIMESTAMP,
      reason: { type: "string", description: "Why it ended as it did (final statuses only)." },
      steps: { type: "array", items: schemaRef("TimelineStep") },
      runId: { type: "string", description: "The ACR Tasks run id of the build." },
      logTail: { type: "string", description: "The end of the build log, when the build failed." },
      revision: { type: "string", description: "The revision this deploy created." },
      previousRevision: { type: "string", description: "The revision that was serving before." },
      supersededBy: { type: "string", description: "The deployment that replaced this one in the queue." },
      quarantinedDigest: { type: "string", pattern: DIGEST_PATTERN.source },
      contentHash: {
        type: "string",
        pattern: CONTENT_HASH_PATTERN.source,
        description: "The uploaded build context's content hash (`build.source.contentHash` of the request; `aca-rollout deploy` sends it and compares it to tell that nothing changed).",
      },
      error: schemaRef("ApiError"),
      build: schemaRef("BuildReport"),
      notifications: {
        type: "array",
        items: schemaRef("NotificationDelivery"),
        description:
          "Each notification of this deploy, per channel and event (the start, when a channel asked for it, then the outcome). Sent after the outcome is final, so a deploy can show its outcome while these are still being delivered. At-least-once: a crash between a send and its record sends it again.",
      },
    },
  },
  NotificationDelivery: {
    type: "object",
    additionalProperties: false,
    required: ["channel", "setting", "event", "delivered", "attempts"],
    description: "One channel's delivery of one event. Never carries the webhook URL or secret.",
    properties: {
      channel: { type: "string", enum: [...NOTIFICATION_CHANNELS] },
      setting: { type: "string", description: "The app setting that names the channel's URL (its name, not its value)." },
      event: { type: "string", enum: [...NOTIFICATION_EVENTS] },
      delivered: { type: "boolean" },
      attempts: { type: "integer", minimum: 0, description: "Sends so far (0 while the first waits for its slot)." },
      lastError: { type: "string", description: "Why the last attempt failed: the HTTP status and the service's error text (e.g. `HTTP 404: channel_not_found`), or the network error." },
      deliveredAt: { ...TIMESTAMP, description: "When the receiver accepted it." },
    },
  },
  BuildReport: {
    type: "object",
    additionalProperties: false,
    description: "The lint's findings on an uploaded context, then what the build reused and made anew once the built image has been compared with the last known good one.",
    properties: {
      lint: schemaRef("LintStatus"),
      layers: schemaRef("LayerReport"),
      cache: schemaRef("CacheReport"),
      summary: { type: "string", description: "One line for people.", examples: ["2 of 9 layers new, 3.1 MB of 412 MB; 7/9 steps cached"] },
    },
  },
  LintStatus: {
    type: "object",
    additionalProperties: false,
    description: "What the Dockerfile cache lint found in the uploaded context. With the target's lint mode `error`, any finding stopped the deploy before the build.",
    required: ["mode", "dockerfile", "findings", "counts"],
    properties: {
      mode: { type: "string", enum: [...LINT_MODES] },
      dockerfile: { type: "string" },
      findings: { type: "array", maxItems: MAX_STATUS_LINT_FINDINGS, items: schemaRef("LintFinding") },
      counts: {
        type: "object",
        additionalProperties: false,
        required: ["cache", "size", "security"],
        properties: { cache: { type: "integer", minimum: 0 }, size: { type: "integer", minimum: 0 }, security: { type: "integer", minimum: 0 } },
      },
      omitted: { type: "integer", minimum: 1, description: "Findings left out of `findings` to keep the status small." },
    },
  },
  LintFinding: {
    type: "object",
    additionalProperties: false,
    required: ["rule", "category", "severity", "file", "line", "why", "fix"],
    properties: {
      rule: { type: "string", enum: [...LINT_RULE_IDS] },
      category: { type: "string", enum: ["cache", "size", "security"] },
      severity: { type: "string", enum: ["warning", "error"] },
      file: { type: "string", description: "The Dockerfile, or the ignore file the finding is about." },
      line: { type: ["integer", "null"], minimum: 1, description: "1-based line; null when the finding is about something missing." },
      why: { type: "string" },
      fix: { type: "string" },
    },
  },
  LayerReport: {
    type: "object",
    additionalProperties: false,
    description: "The built image's manifest against the last known good image's, read through the registry's data plane. Layers are compared by digest; sizes are the registry's (compressed) bytes.",
    required: ["total", "new", "reused", "bytesTotal", "bytesNew"],
    properties: {
      total: { type: "integer", minimum: 0, description: "Layers of the built image." },
      new: { type: "integer", minimum: 0, description: "Layers the last known good image did not have." },
      reused: { type: "integer", minimum: 0, description: "Layers the last known good image already had." },
      bytesTotal: { type: "integer", minimum: 0 },
      bytesNew: { type: "integer", minimum: 0, description: "Bytes of the new layers: what a node that ran the old image downloads." },
      comparedWith: { type: "string", pattern: DIGEST_PATTERN.source, description: "The last known good image's digest; absent when there was none (every layer then counts as new)." },
    },
  },
  CacheReport: {
    type: "object",
    additionalProperties: false,
    description: "The build's Dockerfile steps as BuildKit's log reports them.",
    required: ["steps", "cached", "executed"],
    properties: {
      steps: { type: "integer", minimum: 0 },
      cached: { type: "integer", minimum: 0, description: "Steps BuildKit reported CACHED." },
      executed: { type: "integer", minimum: 0, description: "Steps that ran." },
    },
  },
  DeploymentTrigger: {
    type: "object",
    additionalProperties: false,
    required: ["kind"],
    description: "What started the deploy: POST /api/deployments (`api`), the ACR push webhook (`webhook`), an Event Grid ImagePushed event (`eventGrid`) or the auto-rollout reconcile scan (`scan`).",
    properties: {
      kind: { type: "string", enum: ["api", "webhook", "eventGrid", "scan"] },
      eventIds: { type: "array", items: { type: "string" }, description: "The registry events behind it (webhook or Event Grid ids), oldest first." },
      tag: { type: "string", pattern: TAG_PATTERN.source, description: "The pushed tag that led to the digest deployed." },
      coalesced: { type: "integer", minimum: 1, description: "How many pushes inside the debounce window became this one deploy." },
    },
  },
  DeploymentAccepted: {
    type: "object",
    additionalProperties: false,
    required: ["id", "statusUrl"],
    properties: {
      id: { type: "string", pattern: DEPLOYMENT_ID_PATTERN.source },
      statusUrl: { type: "string", format: "uri", description: "Absolute URL of GET /api/deployments/{id}." },
    },
  },
  DeploymentPage: {
    type: "object",
    additionalProperties: false,
    required: ["value"],
    description: "Newest first.",
    properties: {
      value: { type: "array", items: schemaRef("DeploymentResource") },
      continuationToken: { type: "string", description: "Pass back as `continuationToken` for the next page; absent on the last page." },
      nextLink: { type: "string", format: "uri", description: "The next page's absolute URL; absent on the last page." },
    },
  },
  DeploymentRequest: fromZod(deploymentRequestBodySchema),
  QuarantineResource: {
    type: "object",
    additionalProperties: false,
    required: ["digest", "deploymentId", "reason", "at"],
    properties: {
      digest: { type: "string", pattern: DIGEST_PATTERN.source },
      deploymentId: { type: "string" },
      reason: { type: "string" },
      at: TIMESTAMP,
    },
  },
  TargetHistoryEntry: {
    type: "object",
    additionalProperties: false,
    description: "A lock release done on a holder's behalf.",
    required: ["at", "event", "holder", "reason"],
    properties: {
      at: TIMESTAMP,
      event: {
        type: "string",
        enum: ["lock-released-by-hand", "lock-released-holder-ended"],
        description: "By an operator (DELETE /api/targets/{name}/lock), or because the deploy holding the app had ended (or did not exist).",
      },
      holder: { type: "string", description: "The deploy that held the app." },
      reason: { type: "string" },
    },
  },
  TargetResource: {
    type: "object",
    additionalProperties: false,
    required: ["name", "configuration", "quarantine", "history", "decisions"],
    properties: {
      name: { type: "string", pattern: TARGET_NAME_PATTERN.source },
      configuration: { type: "object", description: "The target's configuration as loaded, secrets masked (`***`)." },
      lastKnownGood: {
        type: "object",
        additionalProperties: false,
        required: ["revision", "image", "at"],
        properties: {
          revision: { type: "string" },
          image: { type: "string" },
          digest: { type: "string", pattern: DIGEST_PATTERN.source },
          deploymentId: { type: "string" },
          at: TIMESTAMP,
        },
      },
      lastDeployment: {
        type: "object",
        additionalProperties: false,
        required: ["id", "outcome", "at"],
        properties: { id: { type: "string" }, outcome: { type: "string" }, at: TIMESTAMP },
      },
      decisions: { type: "array", maxItems: 50, items: schemaRef("AutoRolloutDecision"), description: "Auto-rollout's recent decisions (pushes and scan findings), newest last." },
      quarantine: { type: "array", items: schemaRef("QuarantineResource") },
      lock: {
        type: "object",
        additionalProperties: false,
        description: "The deploy holding the app and those waiting for it, oldest first; absent when the app is free.",
        required: ["holder", "waiting"],
        properties: { holder: { type: "string" }, waiting: { type: "array", items: { type: "string" } } },
      },
      history: { type: "array", maxItems: 50, items: schemaRef("TargetHistoryEntry"), description: "Lock releases done on a holder's behalf, newest last." },
    },
  },
  TargetList: {
    type: "object",
    additionalProperties: false,
    required: ["value"],
    properties: { value: { type: "array", items: schemaRef("TargetResource") } },
  },
  HealthResource: healthSchema(
    "Anonymous: each problem only by its JSON pointer (messages can quote setting values; GET /api/health/details has them).",
    { path: { type: "string", description: "JSON pointer to the setting (`/ACA_ROLLOUT_ARM_ENDPOINT`) or into the targets document (`/targets/1/name`)." } },
  ),
  HealthDetails: healthSchema("Each problem with its JSON pointer and message.", {
    path: { type: "string", description: "JSON pointer to the setting or into the targets document." },
    message: { type: "string" },
  }),
  Problem: {
    type: "object",
    description: "RFC 9457 problem details. `type` is stable per kind of problem and has one `title`; `errors` locates each input problem.",
    required: ["type", "title", "status"],
    // Each type with its one title.
    oneOf: (Object.keys(PROBLEM_TYPES) as ProblemTypeName[]).map((name) => ({
      type: "object",
      properties: { type: { const: PROBLEM_TYPES[name] }, title: { const: PROBLEM_TITLES[name] } },
    })),
    properties: {
      type: { type: "string", enum: Object.values(PROBLEM_TYPES) },
      title: { type: "string" },
      status: { type: "integer", minimum: 400, maximum: 599 },
      detail: { type: "string" },
      instance: { type: "string" },
      errors: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["pointer", "detail"],
          properties: {
            pointer: { type: "string", description: "RFC 6901 JSON pointer into the body, or /query/<name>, /headers/<name>, /path/<name>." },
            detail: { type: "string" },
          },
        },
      },
      quarantine: {
        type: "object",
        additionalProperties: false,
        description: "digest-quarantined only: the quarantine that refused the request, and the request that lifts it.",
        required: ["digest", "deploymentId", "reason", "at", "lift"],
        properties: {
          digest: { type: "string", pattern: DIGEST_PATTERN.source },
          deploymentId: { type: "string", description: "The deploy that quarantined the digest." },
          reason: { type: "string" },
          at: TIMESTAMP,
          lift: { type: "string", examples: [`DELETE /api/targets/web/quarantine/sha256:${"0".repeat(64)}`] },
        },
      },
    },
  },
};

const ACR_EVENT_TARGET: SchemaObject = {
  type: "object",
  description: "The pushed artifact. `tag` is absent for a tagless push (e.g. the per-platform children of a multi-arch index).",
  properties: {
    mediaType: { type: "string" },
    size: { type: "integer" },
    digest: { type: "string" },
    length: { type: "integer" },
    repository: { type: "string" },
    tag: { type: "string" },
    url: { type: "string", description: "Event Grid only." },
    name: { type: "string", description: "Helm charts." },
    version: { type: "string", description: "Helm charts." },
  },
};

const ACR_EVENT_REQUEST: SchemaObject = {
  type: "object",
  properties: { id: { type: "string" }, host: { type: "string", description: "The registry's login server: what targets are matched by." }, method: { type: "string" }, useragent: { type: "string" }, addr: { type: "string" } },
};

const IMAGE_PUSHED_DATA: SchemaObject = {
  type: "object",
  required: ["id", "timestamp", "action", "target", "request"],
  properties: {
    id: { type: "string" },
    timestamp: { type: "string" },
    action: { const: "push" },
    location: { type: "string" },
    target: { ...ACR_EVENT_TARGET, required: ["digest", "repository"] },
    request: { ...ACR_EVENT_REQUEST, required: ["host"] },
    actor: { type: "object" },
    source: { type: "object" },
    connectedRegistry: { type: "object" },
  },
};

/** Auto-rollout's payload and answer schemas. */
export const autoRolloutSchemas: Record<string, SchemaObject> = {
  AcrWebhookPayload: {
    type: "object",
    required: ["id", "action"],
    description:
      "What ACR POSTs (container-registry-webhook-reference). `push` needs target.digest, target.repository and request.host; `ping` (az acr webhook ping) is answered 200; " +
      "`delete`, `chart_push`, `chart_delete` and `quarantine` start nothing (202). Other fields are accepted and ignored.",
    properties: {
      id: { type: "string" },
      timestamp: { type: "string" },
      action: { type: "string", examples: ["push", "ping", "delete", "chart_push", "chart_delete", "quarantine"] },
      target: ACR_EVENT_TARGET,
      request: ACR_EVENT_REQUEST,
    },
  },
  WebhookAnswer: {
    type: "object",
    additionalProperties: false,
    required: ["status"],
    properties: {
      status: { type: "string", enum: ["pong", "accepted", "ignored"] },
      reason: { type: "string" },
      targets: { type: "array", items: { type: "string", pattern: TARGET_NAME_PATTERN.source }, description: "The targets the push was handed to." },
    },
  },
  AutoRolloutDecision: {
    type: "object",
    additionalProperties: false,
    required: ["at", "kind", "via", "reason"],
    properties: {
      at: TIMESTAMP,
      kind: { type: "string", enum: ["started", "ignored", "deduped", "coalesced", "foundByScan"] },
      via: { type: "string", enum: ["webhook", "eventGrid", "scan"] },
      tag: { type: "string" },
      digest: { type: "string" },
      eventId: { type: "string" },
      deploymentId: { type: "string", pattern: DEPLOYMENT_ID_PATTERN.source },
      reason: { type: "string" },
    },
  },
  EventGridImagePushedEvent: {
    type: "object",
    required: ["id", "subject", "eventType", "eventTime", "data", "dataVersion"],
    description: "Event Grid schema (2018-01-01 ContainerRegistry examples); the subject is `repo:tag`.",
    properties: {
      id: { type: "string" },
      topic: { type: "string" },
      subject: { type: "string" },
      eventType: { const: "Microsoft.ContainerRegistry.ImagePushed" },
      eventTime: { type: "string" },
      data: IMAGE_PUSHED_DATA,
      dataVersion: { type: "string" },
      metadataVersion: { type: "string" },
    },
  },
  CloudEventImagePushed: {
    type: "object",
    required: ["specversion", "id", "source", "type", "data"],
    description: "CloudEvents 1.0 schema of the same event.",
    properties: {
      specversion: { const: "1.0" },
      id: { type: "string" },
      source: { type: "string" },
      subject: { type: "string" },
      type: { const: "Microsoft.ContainerRegistry.ImagePushed" },
      time: { type: "string" },
      data: IMAGE_PUSHED_DATA,
    },
  },
};
