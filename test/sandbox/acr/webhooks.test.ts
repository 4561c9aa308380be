/**
 * The sandbox's registry webhooks (`Microsoft.ContainerRegistry/registries/webhooks`, 2025-11-01) through
 * the real `@azure/arm-containerregistry` 11 client over HTTPS, and the webhooks it then sends itself
 * to a real HTTP receiver when an image is pushed (control route, data plane, a finished build) or
 * deleted: payloads with exactly the fields of the webhook reference, the configured headers only,
 * once, no retry, about 5 s for an answer.
 */
import type { RunRequestUnion } from "@azure/arm-containerregistry";
import { ContainerRegistryClient, ContainerRegistryContentClient, KnownContainerRegistryAudience } from "@azure/container-registry";
import type { FullOperationResponse } from "@azure/core-client";
import { RestError } from "@azure/core-rest-pipeline";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { listenOnLoopback } from "../../../src/common/loopbackServer.js";
import { registryEndpoint } from "../../../src/sandbox/providers/acrDataPlane/index.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { sandboxRequest } from "../core/sandboxHttp.js";
import { REST_EXAMPLES_DIR, expectSameShape, keyPaths, loadExampleResponse } from "../shape.js";
import { acrClient, fixedToken, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "./acrClient.js";

const EXAMPLES = "containerregistry/2025-11-01/examples";
const LOGIN_SERVER = `${REGISTRY}.azurecr.io`;
const SECRET = "s3cret-value-for-the-receiver-0001";

/** A payload from the webhook reference page, as vendored. */
function referencePayload(name: string): unknown {
  return JSON.parse(readFileSync(join(REST_EXAMPLES_DIR, "docs/container-registry-webhook-reference", name), "utf8")) as unknown;
}

/** What the receiver got. */
interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A real HTTP receiver: records each POST and answers with `reply` (which may never answer). */
class Receiver {
  readonly received: Received[] = [];
  reply: (res: ServerResponse) => void = (res) => {
    res.writeHead(202).end();
  };
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      this.received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> });
      this.reply(res);
    });
  });
  url = "";

  async start(): Promise<void> {
    this.url = `http://127.0.0.1:${await listenOnLoopback(this.server, 0)}/api/webhooks/acr`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function capture(): { onResponse: (raw: FullOperationResponse) => void; body: () => unknown; status: () => number } {
  let last: FullOperationResponse | undefined;
  return {
    onResponse: (raw) => (last = raw),
    body: () => (last?.bodyAsText ? (JSON.parse(last.bodyAsText) as unknown) : undefined),
    status: () => last?.status ?? 0,
  };
}

describe("registry webhooks in the sandbox", () => {
  const clock = new VirtualClock("2026-03-01T10:00:00.000Z");
  let sandbox: Sandbox;
  const receiver = new Receiver();
  const client = () => acrClient(sandbox);
  const createParams = (overrides: Partial<{ scope: string; actions: string[]; status: string }> = {}) => ({
    location: "eastus",
    tags: { key: "aca-rollout" },
    serviceUri: receiver.url,
    customHeaders: { "x-aca-rollout-secret": SECRET },
    actions: ["push"],
    scope: "team/web:*",
    status: "enabled",
    ...overrides,
  });
  /** Every delivery under way finished. */
  const delivered = () => sandbox.acr.webhookDeliveriesIdle();

  beforeAll(async () => {
    await receiver.start();
    sandbox = await startSandbox({ clock, durations: { runQueued: 1_000, runRunning: 5_000 }, webhookTimeoutMs: 300 });
  });
  afterAll(async () => {
    await sandbox.stop();
    await receiver.stop();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
    receiver.received.length = 0;
    receiver.reply = (res) => res.writeHead(202).end();
  });

  it("creates, reads, lists, updates and deletes a webhook with the SDK; bodies have the examples' shapes and never show the URI or headers", async () => {
    const raw = capture();
    const created = await client().webhooks.beginCreateAndWait(RESOURCE_GROUP, REGISTRY, "rollout1", createParams(), { onResponse: raw.onResponse });
    expect(created).toMatchObject({ name: "rollout1", type: "Microsoft.ContainerRegistry/registries/webhooks", status: "enabled", scope: "team/web:*", actions: ["push"], provisioningState: "Succeeded" });
    expectSameShape(raw.body(), loadExampleResponse(`${EXAMPLES}/WebhookCreate.json`, "201"));
    expect(JSON.stringify(raw.body())).not.toContain(SECRET);
    expect(JSON.stringify(raw.body())).not.toContain(receiver.url);

    const got = capture();
    await client().webhooks.get(RESOURCE_GROUP, REGISTRY, "rollout1", { onResponse: got.onResponse });
    expectSameShape(got.body(), loadExampleResponse(`${EXAMPLES}/WebhookGet.json`));
    const listed = [];
    for await (const webhook of client().webhooks.list(RESOURCE_GROUP, REGISTRY)) listed.push(webhook.name);
    expect(listed).toEqual(["rollout1"]);

    const config = capture();
    const callback = await client().webhooks.getCallbackConfig(RESOURCE_GROUP, REGISTRY, "rollout1", { onResponse: config.onResponse });
    expect(callback).toEqual({ serviceUri: receiver.url, customHeaders: { "x-aca-rollout-secret": SECRET } });
    // Header names are the caller's own (the example's is Authorization).
    expectSameShape(config.body(), loadExampleResponse(`${EXAMPLES}/WebhookGetCallbackConfig.json`), { ignore: ["customHeaders"] });

    const updated = await client().webhooks.beginUpdateAndWait(RESOURCE_GROUP, REGISTRY, "rollout1", { status: "disabled", scope: "team/*:*", actions: ["push", "delete"] });
    expect(updated).toMatchObject({ status: "disabled", scope: "team/*:*", actions: ["push", "delete"] });
    // Replacing with PUT answers 200 and keeps the name's first casing.
    const replaced = capture();
    await client().webhooks.beginCreateAndWait(RESOURCE_GROUP, REGISTRY, "ROLLOUT1", createParams(), { onResponse: replaced.onResponse });
    expect(replaced.status()).toBe(200);

    await client().webhooks.beginDeleteAndWait(RESOURCE_GROUP, REGISTRY, "rollout1");
    const missing = await client().webhooks.get(RESOURCE_GROUP, REGISTRY, "rollout1").catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(RestError);
    expect(missing).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    // Deleting what is not there is a 204, as WebhookDelete.json allows.
    const again = capture();
    await client().webhooks.beginDeleteAndWait(RESOURCE_GROUP, REGISTRY, "rollout1", { onResponse: again.onResponse });
    expect(again.status()).toBe(204);

    const operations = sandbox.callLog.calls().map((call) => call.operation);
    for (const action of ["write", "read", "getCallbackConfig/action", "delete"]) expect(operations).toContain(`Microsoft.ContainerRegistry/registries/webhooks/${action}`);
    // The call log holds paths and operations, never the service URI or the secret.
    expect(JSON.stringify(sandbox.callLog.calls())).not.toContain(SECRET);
    expect(JSON.stringify(sandbox.callLog.calls())).not.toContain(receiver.url);
  });

  it("refuses bad webhooks as ARM does: a bad name, a relative URI, no actions, an unknown action, a registry that does not exist", async () => {
    const refused = async (name: string, params: Record<string, unknown>, registry = REGISTRY) =>
      client()
        .webhooks.beginCreateAndWait(RESOURCE_GROUP, registry, name, params as never)
        .then(() => undefined, (error: unknown) => error);
    expect(await refused("no-dash", createParams())).toMatchObject({ statusCode: 400, code: "InvalidResourceName" });
    expect(await refused("rollout2", { ...createParams(), serviceUri: "/api/webhooks/acr" })).toMatchObject({ statusCode: 400, code: "InvalidRequestContent" });
    expect(await refused("rollout2", createParams({ actions: [] }))).toMatchObject({ statusCode: 400, code: "InvalidRequestContent" });
    expect(await refused("rollout2", createParams({ actions: ["pull"] }))).toMatchObject({ statusCode: 400, code: "InvalidRequestContent" });
    expect(await refused("rollout2", createParams(), "nosuchregistry")).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("sends a push through the control route once, with exactly the reference payload's fields, the custom header and nothing else of its own", async () => {
    await client().webhooks.beginCreateAndWait(RESOURCE_GROUP, REGISTRY, "rollout1", createParams());
    const pushed = await sandboxRequest(sandbox, "POST", "/_sandbox/registries/images", { body: { loginServer: LOGIN_SERVER, repository: "team/web", tag: "v2" } });
    expect(pushed.status).toBe(201);
    const digest = (pushed.json as { digest: string }).digest;
    await delivered();

    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(keyPaths(delivery!.body)).toEqual(keyPaths(referencePayload("push-event.json")));
    expect(delivery!.body).toMatchObject({
      action: "push",
      timestamp: new Date(clock.now()).toISOString(),
      target: { repository: "team/web", tag: "v2", digest, mediaType: "application/vnd.oci.image.manifest.v1+json" },
      request: { host: LOGIN_SERVER, method: "PUT" },
    });
    const target = delivery!.body["target"] as { size: number; length: number };
    expect(target.size).toBeGreaterThan(0);
    expect(target.length).toBe(target.size);
    expect(delivery!.headers["x-aca-rollout-secret"]).toBe(SECRET);
    expect(delivery!.headers["content-type"]).toBe("application/json");
    // Content-Type and the custom headers only (plus what HTTP itself needs).
    expect(Object.keys(delivery!.headers).sort()).toEqual(["connection", "content-length", "content-type", "host", "x-aca-rollout-secret"]);

    // listEvents shows it, the custom header masked, with the answer.
    const events = [];
    for await (const event of client().webhooks.listEvents(RESOURCE_GROUP, REGISTRY, "rollout1")) events.push(event);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: delivery!.body["id"],
      eventRequestMessage: { method: "POST", headers: { "x-aca-rollout-secret": "******" }, content: { action: "push", target: { tag: "v2" } } },
      eventResponseMessage: { statusCode: "202" },
    });
    const listRaw = capture();
    await client().webhooks.listEvents(RESOURCE_GROUP, REGISTRY, "rollout1", { onResponse: listRaw.onResponse }).next();
    expectSameShape(listRaw.body(), loadExampleResponse(`${EXAMPLES}/WebhookListEvents.json`), {
      // Our push payload is the webhook reference's (no url/addr/actor/source, as the reference shows it).
      ignore: ["value[].eventRequestMessage.content", "value[].eventRequestMessage.headers", "value[].eventResponseMessage.headers"],
    });
    // The scenario view names the delivery but not the URI or the secret.
    const view = await sandboxRequest(sandbox, "GET", "/_sandbox/acr/webhooks");
    expect(view.json).toMatchObject({ webhooks: [{ name: "rollout1", customHeaderNames: ["x-aca-rollout-secret"], deliveries: [{ action: "push", repository: "team/web", tag: "v2", statusCode: 202 }] }] });
    expect(view.text).not.toContain(SECRET);
    expect(view.text).not.toContain(receiver.url);
    const state = await sandboxRequest(sandbox, "GET", "/_sandbox/state");
    expect(state.text).toContain("rollout1");
    expect(state.text).not.toContain(SECRET);
  });

  it("honours actions, scope and status: other repositories, other tags, disabled webhooks and delete-only webhooks get nothing", async () => {
    await client().webhooks.beginCreateAndWait(RESOURCE_GROUP, REGISTRY, "webonly", createParams({ scope: "team/web:v*" }));
    await client().webhooks.beginCreateAndWait(RESOURCE_GROUP, REGISTRY, "latestonly", createParams({ scope: "team/web" }));
    await client().webhooks.beginCreateAndWait(RESOURCE_GROUP, REGISTRY, "disabled", createParams({ scope: "", status: "disabled" }));
    await client().webhooks.beginCreateAndWait(RESOURCE_GROUP, REGISTRY, "deletes", createParams({ scope: "", actions: ["delete"] }));
    for (const [repository, tag] of [["team/web", "v3"], ["team/web", "latest"], ["team/api", "v3"], ["team/web", "release-1"]] as const) {
      await sandbox.dataPlane.seedImage(LOGIN_SERVER, repository, tag);
    }
    await delivered();
    const names = (hook: string) => sandbox.acr.webhooks(sandbox.acr.registries()[0]!).find((webhook) => webhook.name === hook)!.events.map((event) => (event.content["target"] as { tag: string }).tag);
    expect(names("webonly")).toEqual(["v3"]);
    expect(names("latestonly")).toEqual(["latest"]);
    expect(names("disabled")).toEqual([]);
    expect(names("deletes")).toEqual([]);
    expect(receiver.received).toHaveLength(2);
  });

  it("sends pushes made through the data plane with the SDK (a tag, and a tagless push by digest) and deletes, with the reference fields", async () => {
    await client().webhooks.beginCreateAndWait(RESOURCE_GROUP, REGISTRY, "everything", createParams({ scope: "", actions: ["push", "delete"] }));
    const options = { audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud, tlsOptions: { ca: sandbox.caPem }, retryOptions: { maxRetries: 0 } };
    const content = new ContainerRegistryContentClient(registryEndpoint(sandbox.origin, LOGIN_SERVER), "team/web", fixedToken, options);
    const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
    const uploaded = await content.uploadBlob(config);
    const manifest = { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: uploaded.digest, size: config.length }, layers: [] };
    const tagged = await content.setManifest(Buffer.from(JSON.stringify(manifest)), { tag: "v7" });
    const untaggedManifest = { ...manifest, annotations: { child: "arm64" } };
    const untagged = await content.setManifest(Buffer.from(JSON.stringify(untaggedManifest)));
    await new ContainerRegistryClient(registryEndpoint(sandbox.origin, LOGIN_SERVER), fixedToken, options).getArtifact("team/web", untagged.digest).delete();
    await delivered();

    const bodies = receiver.received.map((delivery) => delivery.body);
    expect(bodies.map((body) => [body["action"], (body["target"] as { tag?: string }).tag, (body["target"] as { digest: string }).digest])).toEqual([
      ["push", "v7", tagged.digest],
      ["push", undefined, untagged.digest],
      ["delete", undefined, untagged.digest],
    ]);
    expect(keyPaths(bodies[0])).toEqual(keyPaths(referencePayload("push-event.json")));
    expect(keyPaths(bodies[1])).toEqual(keyPaths(referencePayload("push-event.json")).filter((path) => path !== "target.tag"));
    expect(keyPaths(bodies[2])).toEqual(keyPaths(referencePayload("delete-event.json")));
    expect(bodies[0]).toMatchObject({ request: { method: "PUT", host: LOGIN_SERVER, useragent: expect.stringContaining("azsdk-js-container-registry") } });
    expect(bodies[2]).toMatchObject({ request: { method: "DELETE" }, target: { mediaType: "application/vnd.oci.image.manifest.v1+json" } });
  });

  it("sends a push for each tag a finished build pushes, at the moment the run ends", async () => {
    await client().webhooks.beginCreateAndWait(RESOURCE_GROUP, REGISTRY, "builds", createParams({ scope: "" }));
    const run: RunRequestUnion = {
      type: "EncodedTaskRunRequest",
      encodedTaskContent: Buffer.from("version: v1.1.0\nsteps:\n  - build: -t $Registry/team/web:{{.Values.tag}} -t $Registry/team/web:deploy-dep-1 .\n  - push:\n    - $Registry/team/web:{{.Values.tag}}\n    - $Registry/team/web:deploy-dep-1\n").toString("base64"),
      encodedValuesContent: Buffer.from("tag: v8").toString("base64"),
      platform: { os: "Linux", architecture: "amd64" },
    };
    const scheduled = await client().registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, run);
    await delivered();
    expect(receiver.received).toHaveLength(0);
    const start = clock.now();
    await clock.advanceTo(start + 6_000, delivered);
    await sandbox.dataPlane.whenIdle();
    await delivered();

    const tags = receiver.received.map((delivery) => (delivery.body["target"] as { tag: string }).tag).sort();
    expect(tags).toEqual(["deploy-dep-1", "v8"]);
    const digests = new Set(receiver.received.map((delivery) => (delivery.body["target"] as { digest: string }).digest));
    const final = await client().runs.get(RESOURCE_GROUP, REGISTRY, scheduled.runId!);
    expect(final.status).toBe("Succeeded");
    expect([...digests]).toEqual([...new Set(final.outputImages!.map((image) => image.digest))]);
    for (const delivery of receiver.received) expect(delivery.body).toMatchObject({ timestamp: new Date(start + 6_000).toISOString(), request: { method: "PUT", host: LOGIN_SERVER } });
  });

  it("pings once with action ping; a receiver answering 500 or not at all is tried once and recorded, never retried", async () => {
    await client().webhooks.beginCreateAndWait(RESOURCE_GROUP, REGISTRY, "rollout1", createParams({ status: "disabled" }));
    const ping = capture();
    const answer = await client().webhooks.ping(RESOURCE_GROUP, REGISTRY, "rollout1", { onResponse: ping.onResponse });
    expectSameShape(ping.body(), loadExampleResponse(`${EXAMPLES}/WebhookPing.json`));
    await delivered();
    expect(receiver.received.map((delivery) => delivery.body)).toEqual([{ id: answer.id, timestamp: new Date(clock.now()).toISOString(), action: "ping" }]);

    await client().webhooks.beginUpdateAndWait(RESOURCE_GROUP, REGISTRY, "rollout1", { status: "enabled" });
    receiver.reply = (res) => res.writeHead(500).end("boom");
    await sandbox.dataPlane.seedImage(LOGIN_SERVER, "team/web", "v4");
    await delivered();
    receiver.reply = () => undefined; // never answers: the sandbox gives up after its timeout (300 ms here, 5 s by default)
    const started = Date.now();
    await sandbox.dataPlane.seedImage(LOGIN_SERVER, "team/web", "v5");
    await delivered();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(receiver.received.map((delivery) => (delivery.body["target"] as { tag?: string } | undefined)?.tag)).toEqual([undefined, "v4", "v5"]);
    const events = sandbox.acr.webhooks(sandbox.acr.registries()[0]!)[0]!.events;
    expect(events.map((event) => event.response)).toEqual([{ statusCode: 202, headers: expect.any(Object) }, { statusCode: 500, headers: expect.any(Object) }, { error: "Timeout" }]);
  });

  it("keeps webhooks across a reset-free restore (persistence snapshot) and forgets them on reset", () => {
    sandbox.acr.putWebhook(sandbox.acr.registries()[0]!, "kept1", { location: "eastus", properties: { serviceUri: receiver.url, customHeaders: { "x-aca-rollout-secret": SECRET }, actions: ["push"] } });
    const provider = sandbox.providers.find((p) => p.name === "containerRegistry")!;
    const saved = JSON.parse(JSON.stringify(provider.snapshot!())) as unknown;
    sandbox.reset();
    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
    expect(sandbox.acr.webhooks(sandbox.acr.registries()[0]!)).toEqual([]);
    provider.restore!(saved);
    expect(sandbox.acr.webhooks(sandbox.acr.registries()[0]!).map((webhook) => [webhook.name, webhook.customHeaders])).toEqual([["kept1", { "x-aca-rollout-secret": SECRET }]]);
  });
});
