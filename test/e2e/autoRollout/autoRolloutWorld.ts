/**
 * The deploy world with auto-rollout loaded (the webhook, the Event Grid function, the scan timer, the
 * targets API): pushes land in the sandbox's registry, their events reach the product over real HTTP
 * (`POST /api/webhooks/acr` with the shared secret, `/runtime/webhooks/eventgrid` with the extension's
 * key), and virtual time runs the debounce windows, the scan and the deploys.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { resetSettingsCache } from "../../../src/config/settings.js";
import { resetTargetsCache } from "../../../src/config/targets.js";
import type { TargetsDocumentInput } from "../../../src/domain/target.js";
import type { AutoRolloutDecisionResource, TargetResource, WebhookAnswer } from "../../../src/functions/http/apiTypes.js";
import type { InstanceStatus } from "../../../src/local/engine/api.js";
import { buildOpenApiDocument } from "../../../src/functions/http/openapi/document.js";
import { createResponseValidator } from "../../api/contract/responseValidator.js";
import { LOGIN_SERVER, RESOURCE_GROUP, SUBSCRIPTION, startDeployWorld, type DeployWorld } from "../world.js";

/** The shared secret the tests' "ACR" sends. */
export const SECRET = "s3cret-webhook-value-0123456789abcdef";
/** The default header it travels in. */
export const SECRET_HEADER = "x-aca-rollout-secret";
const MODULES = ["autoRollout.ts", "targets.ts", "deployments.ts"].map((m) => resolve(import.meta.dirname, "../../../src/functions", m));
const FIXTURES = resolve(import.meta.dirname, "../../fixtures/azure-rest-examples");

/** A vendored reference payload, parsed (docs/container-registry-webhook-reference or eventgrid examples). */
export function fixture(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(resolve(FIXTURES, path), "utf8")) as Record<string, unknown>;
}

/** A target following `repository` in the world's registry, deploying app `app`. */
export function autoTarget(name: string, app: string, repository: string, tagPolicy: { kind: string; pattern?: string }, extra: Record<string, unknown> = {}): TargetsDocumentInput["targets"][number] {
  return {
    name,
    containerApp: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: app },
    image: { loginServer: LOGIN_SERVER, repository },
    policy: { verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 },
    autoRollout: { tagPolicy } as NonNullable<TargetsDocumentInput["targets"][number]["autoRollout"]>,
    ...extra,
  };
}

/** A running auto-rollout world. */
export interface AutoWorld {
  world: DeployWorld;
  /** Pushes an image to `loginServer/repository:tag` (default the world's registry) and returns its digest. */
  push(repository: string, tag: string, loginServer?: string): Promise<string>;
  /** Seeds app `app` running `repository:tag` (pushed first) and returns the digest. */
  seedApp(app: string, repository: string, tag: string): Promise<string>;
  /** The ACR webhook body for a push, built on the reference push payload. */
  pushBody(push: { repository: string; tag?: string; digest: string; id?: string; host?: string }): Record<string, unknown>;
  /** POSTs to /api/webhooks/acr; `secret: null` sends no secret header. */
  webhook(body: unknown, options?: { secret?: string | null }): Promise<{ status: number; body: WebhookAnswer | undefined; text: string; ms: number }>;
  /** POSTs to the Event Grid extension endpoint for `acrImagePushed`. */
  eventGrid(body: unknown, options?: { eventType?: string; contentType?: string }): Promise<Response>;
  /** The Event Grid schema event for a push (on the reference example). */
  eventGridEvent(push: { repository: string; tag: string; digest: string; id?: string }): Record<string, unknown>;
  /** The CloudEvents 1.0 event for a push (on the reference example). */
  cloudEvent(push: { repository: string; tag: string; digest: string; id?: string }): Record<string, unknown>;
  /** GET /api/targets/{name}. */
  target(name: string): Promise<TargetResource>;
  /** The target's decisions. */
  decisions(name: string): Promise<AutoRolloutDecisionResource[]>;
  /** Every deploy instance (of any target, or of `targetName`). */
  deploys(targetName?: string): Promise<InstanceStatus[]>;
  /** Advances virtual time by `ms`, letting timers, timer triggers and orchestrations run. */
  advance(ms: number): Promise<void>;
  /** Runs every unfinished deploy to its end. */
  finishDeploys(): Promise<InstanceStatus[]>;
  idle(): Promise<void>;
}

/** Starts the world for a test file with `targets`, the secret, and the scan schedule (default: yearly, out of the way). */
export function useAutoWorld(set: (world: AutoWorld) => void, targets: TargetsDocumentInput, options: { scanSchedule?: string; extraRegistries?: string[]; debounceSeconds?: number } = {}): void {
  let world: DeployWorld | undefined;
  beforeAll(async () => {
    Object.assign(process.env, {
      ACA_ROLLOUT_TARGETS: JSON.stringify(targets),
      ACA_ROLLOUT_WEBHOOK_SECRET: SECRET,
      ACA_ROLLOUT_SCAN_SCHEDULE: options.scanSchedule ?? "0 0 0 1 1 *",
      ACA_ROLLOUT_AUTO_ROLLOUT_DEBOUNCE_SECONDS: String(options.debounceSeconds ?? 10),
    });
    resetTargetsCache();
    resetSettingsCache();
    world = await startDeployWorld({ functionModules: MODULES, extraRegistries: options.extraRegistries ?? [] });
    set(autoWorldOf(world));
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });
}

// Every webhook answer a test receives is checked against the OpenAPI document, as the contract tests do.
const contract = createResponseValidator(buildOpenApiDocument());

function autoWorldOf(world: DeployWorld): AutoWorld {
  const { runtime, sandbox, clock } = world;
  const idle = (): Promise<void> => runtime.idle();
  const push = (repository: string, tag: string, loginServer = LOGIN_SERVER): Promise<string> => sandbox.dataPlane.seedImage(loginServer, repository, tag, { nonce: `${tag}-${randomUUID()}` });
  const now = (): string => new Date(clock.now()).toISOString();
  const egEvent = (p: { repository: string; tag: string; digest: string; id?: string }): Record<string, unknown> => {
    const event = fixture("eventgrid/containerregistry/2018-01-01/examples/event-grid-schema/image_pushed.json");
    const id = p.id ?? randomUUID();
    return { ...event, id, subject: `${p.repository}:${p.tag}`, eventTime: now(), data: eventData(event.data, p, id, now()) };
  };
  const ceEvent = (p: { repository: string; tag: string; digest: string; id?: string }): Record<string, unknown> => {
    const event = fixture("eventgrid/containerregistry/2018-01-01/examples/cloud-events-schema/image_pushed.json");
    const id = p.id ?? randomUUID();
    return { ...event, id, subject: `${p.repository}:${p.tag}`, time: now(), data: eventData(event.data, p, id, now()) };
  };
  return {
    world,
    push,
    async seedApp(app, repository, tag) {
      const digest = await push(repository, tag);
      sandbox.apps.seedApp({
        subscriptionId: SUBSCRIPTION,
        resourceGroup: RESOURCE_GROUP,
        name: app,
        containers: [{ name: "web", image: `${LOGIN_SERVER}/${repository}@${digest}` }],
        registries: [{ server: LOGIN_SERVER, identity: "system" }],
        template: { scale: { minReplicas: 1 } },
      });
      return digest;
    },
    pushBody({ repository, tag, digest, id, host }) {
      const body = fixture("docs/container-registry-webhook-reference/push-event.json");
      const target = { ...(body.target as Record<string, unknown>), repository, digest, ...(tag !== undefined ? { tag } : {}) };
      if (tag === undefined) delete target.tag;
      return { ...body, id: id ?? randomUUID(), timestamp: now(), target, request: { ...(body.request as Record<string, unknown>), host: host ?? LOGIN_SERVER } };
    },
    async webhook(body, { secret = SECRET } = {}) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (secret !== null) headers[SECRET_HEADER] = secret;
      const started = performance.now();
      const response = await fetch(`${runtime.url}/api/webhooks/acr`, { method: "POST", headers, body: JSON.stringify(body) });
      const text = await response.text();
      const ms = performance.now() - started;
      const violations = contract.validate("POST", "/webhooks/acr", { status: response.status, headers: response.headers, text });
      if (violations.length > 0) throw new Error(`POST /api/webhooks/acr answered outside its OpenAPI description: ${violations.join("; ")}`);
      return { status: response.status, body: text !== "" && /json/.test(response.headers.get("content-type") ?? "") ? (JSON.parse(text) as WebhookAnswer) : undefined, text, ms };
    },
    eventGrid(body, { eventType = "Notification", contentType = "application/json" } = {}) {
      const url = `${runtime.url}/runtime/webhooks/eventgrid?functionName=acrImagePushed&code=${encodeURIComponent(runtime.eventGridKey)}`;
      return fetch(url, { method: "POST", headers: { "content-type": contentType, "aeg-event-type": eventType }, body: JSON.stringify(body) });
    },
    eventGridEvent: egEvent,
    cloudEvent: ceEvent,
    async target(name) {
      const response = await fetch(`${runtime.url}/api/targets/${name}`, { headers: { "x-functions-key": runtime.functionKey } });
      if (response.status !== 200) throw new Error(`GET /api/targets/${name}: ${response.status} ${await response.text()}`);
      return (await response.json()) as TargetResource;
    },
    async decisions(name) {
      return (await this.target(name)).decisions;
    },
    async deploys(targetName) {
      const page = await runtime.engine.listInstances({ showInput: true });
      return page.instances.filter((i) => i.name === "deploy" && (targetName === undefined || (i.input as { targetName?: string }).targetName === targetName));
    },
    async advance(ms) {
      await idle();
      await clock.advance(ms, idle);
      await idle();
    },
    async finishDeploys() {
      const ended: InstanceStatus[] = [];
      for (const deploy of await this.deploys()) ended.push(await world.runToEnd(deploy.instanceId));
      return ended;
    },
    idle,
  };
}

function eventData(template: unknown, p: { repository: string; tag: string; digest: string }, id: string, at: string): Record<string, unknown> {
  const data = template as Record<string, unknown>;
  return {
    ...data,
    id,
    timestamp: at,
    target: { ...(data.target as Record<string, unknown>), repository: p.repository, tag: p.tag, digest: p.digest },
    request: { ...(data.request as Record<string, unknown>), host: LOGIN_SERVER },
  };
}
