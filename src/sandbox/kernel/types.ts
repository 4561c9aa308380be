/**
 * The seam between the sandbox's HTTPS front (transport, auth, throttling, faults, call log) and the
 * resource providers that play individual Azure services. A provider is a list of routes; the front
 * matches them, records the call, applies the token bucket and any injected fault, then runs the handler.
 */
import type { z } from "zod";
import type { Clock } from "../../common/clock.js";

/** A parsed request as a provider sees it. */
export interface SandboxRequest {
  method: string;
  /** Path without query, as received (case preserved). */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** Raw body bytes (for data-plane uploads). */
  rawBody: Buffer;
  /** Values captured from `{name}` segments of the route template. */
  params: Record<string, string>;
  /** The `https://127.0.0.1:port` origin the sandbox serves on, for building absolute URLs. */
  origin: string;
}

/** What a handler answers. `body` is serialized as JSON unless it is a Buffer or string. */
export interface SandboxReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Whether ARM counts the call against the read or the write token bucket. */
export type ArmCallKind = "read" | "write" | "action";

/** One route of a provider. */
export interface SandboxRoute {
  method: "GET" | "PUT" | "PATCH" | "POST" | "DELETE" | "HEAD";
  /**
   * Path template, matched case-insensitively on literal segments, e.g.
   * `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.App/containerApps/{containerAppName}`.
   */
  template: string;
  /** The ARM operation (RBAC action) this call needs, e.g. `Microsoft.App/containerApps/write`. */
  operation: string;
  /** ARM plane calls go through bearer auth and the token bucket; data-plane calls handle their own auth. */
  plane: "arm" | "data";
  kind: ArmCallKind;
  /**
   * ARM routes: the api-versions the resource type accepts; any other gets Azure's 400
   * (`InvalidApiVersionParameter` when malformed, else `NoRegisteredProviderFound`). Unset: not checked.
   */
  apiVersions?: readonly string[];
  handler(request: SandboxRequest, context: SandboxContext): SandboxReply | Promise<SandboxReply>;
}

/** Shared services every provider gets. */
export interface SandboxContext {
  clock: Clock;
  /** A fresh id for correlation, operations, runs. */
  newId(): string;
  /** Configured durations (ms) for simulated work, so benchmarks and scenarios can set latencies. */
  durations: SandboxDurations;
  /**
   * Tells the kernel that state changed outside a request (a timer, a push finishing), so a
   * persistent sandbox saves it soon. Changes made while answering a request are saved anyway.
   */
  stateChanged?(): void;
}

/** Simulated durations in milliseconds. */
export interface SandboxDurations {
  runQueued: number;
  runRunning: number;
  /**
   * What one simulated second of a build from an uploaded Dockerfile takes: such a run's running time
   * is its executed steps' simulated seconds times this (cached steps cost nothing), not `runRunning`.
   */
  buildSecond: number;
  revisionProvisioning: number;
  revisionActivating: number;
  revisionHealthy: number;
  lroPoll: number;
}

/** A resource group by subscription and name. */
export interface ResourceGroupRef {
  subscriptionId: string;
  resourceGroup: string;
}

/** An ARM error body, `{ error: { code, message } }`. */
export function armError(status: number, code: string, message: string, headers?: Record<string, string>): SandboxReply {
  return { status, headers, body: { error: { code, message } } };
}

/** `400 InvalidRequestContent` naming each field a body schema refused. */
export function invalidRequestContent(error: z.ZodError): SandboxReply {
  return armError(400, "InvalidRequestContent", error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; "));
}

/**
 * A resource provider: the ARM/data-plane routes it serves, plus scenario-control routes served under
 * `/_sandbox/` (seeding resources, behaviour faults). Control routes need no bearer token and are not
 * throttled or logged as ARM calls.
 */
export interface SandboxProvider {
  name: string;
  routes: SandboxRoute[];
  /** Templates are relative to `/_sandbox` (e.g. `/acr/registries`); the front mounts them there. */
  controlRoutes: SandboxRoute[];
  /** Forgets all state (scenario reset). */
  reset(): void;
  /** A JSON-able summary for `GET /_sandbox/state`, if the provider has one. */
  state?(): unknown;
  /** The resource groups its resources live in: ARM knows a resource group (and its subscription) while it holds one. */
  resourceGroups?(): ResourceGroupRef[];
  /** Everything the provider must remember across restarts, as JSON-able data (persistent sandboxes only). */
  snapshot?(): unknown;
  /** Takes over state from {@link snapshot} of an earlier run; throws if it cannot (the kernel then starts afresh). */
  restore?(snapshot: unknown): void;
}

/** The bytes of a pushed image manifest; `sha256(content)` is the digest announced with it. */
export interface PushedManifest {
  mediaType: string;
  content: Buffer;
}

/**
 * Told when a simulated ACR run pushes an image, so the registry data plane can serve `repository:tag`
 * at that digest (and webhooks can fire). The manifest is passed because real clients check that the
 * bytes they download hash to the digest they asked for. A sink may work asynchronously; the caller
 * does not wait, and a rejection is the sink's to record.
 */
export interface ImagePushSink {
  onImagePushed(loginServer: string, repository: string, tag: string, digest: string, manifest: PushedManifest): void | Promise<unknown>;
}

/**
 * An artifact event the registry reports, whichever way the image arrived (a run's push, a client's
 * manifest PUT on the data plane, a scenario push): what ACR's webhooks (`push`, `delete`) are sent for.
 */
export interface RegistryArtifactEvent {
  action: "push" | "delete";
  /** Lowercase login server, `request.host` of the webhook payload. */
  loginServer: string;
  repository: string;
  /** Absent for a push by digest (e.g. a multi-arch image's per-platform children) and for deletes. */
  tag?: string;
  digest: string;
  mediaType: string;
  /** Manifest bytes; absent for deletes, as in ACR's delete payload. */
  size?: number;
  /** The HTTP method and user agent of the request that caused it (`request.method`, `request.useragent`). */
  method: string;
  userAgent: string;
}

/** Told about every {@link RegistryArtifactEvent} (the registry webhooks). Must not throw; may work asynchronously. */
export interface RegistryEventSink {
  onRegistryEvent(event: RegistryArtifactEvent): void;
}
