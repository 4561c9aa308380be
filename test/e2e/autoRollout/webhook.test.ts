/**
 * Auto-rollout through real HTTP on the local runtime against the sandbox (issue 11 acceptance):
 * the ACR webhook's secret, ping and reference payloads, the Event Grid examples, handshake and
 * OPTIONS, the registry as the truth (a missing digest starts nothing, a moved tag deploys the newer
 * digest), dedupe across redeliveries and both channels, and coalescing of a burst per target.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { LOGIN_SERVER } from "../world.js";
import { autoTarget, fixture, SECRET, useAutoWorld, type AutoWorld } from "./autoRolloutWorld.js";

const TARGETS = {
  targets: [
    // The reference payloads' registries and repositories.
    { ...autoTarget("hello", "hello-app", "hello-world", { kind: "exact", pattern: "v1" }), image: { loginServer: "myregistry.azurecr.io", repository: "hello-world" } },
    { ...autoTarget("nginx", "nginx-app", "samples/nginx", { kind: "exact", pattern: "latest" }), image: { loginServer: "jolovcr.azurecr.io", repository: "samples/nginx" } },
    autoTarget("missing", "missing-app", "team/missing", { kind: "exact", pattern: "v1" }),
    autoTarget("moved", "moved-app", "team/moved", { kind: "exact", pattern: "v5" }),
    autoTarget("dedupe", "dedupe-app", "team/dedupe", { kind: "glob", pattern: "v*" }),
    autoTarget("burst-a", "burst-a-app", "team/burst", { kind: "glob", pattern: "build-*" }),
    autoTarget("burst-b", "burst-b-app", "team/burst", { kind: "glob", pattern: "build-*" }),
    autoTarget("fastpath", "fastpath-app", "team/fastpath", { kind: "exact", pattern: "main" }),
  ],
};

let aw: AutoWorld;
useAutoWorld((w) => (aw = w), TARGETS, { extraRegistries: ["myregistry", "jolovcr"] });

const WINDOW_MS = 10_000;
const sha = (): string => `sha256:${randomUUID().replace(/-/g, "")}${randomUUID().replace(/-/g, "")}`;
const digestOf = (input: unknown): string | undefined => (input as { image?: { digest?: string } }).image?.digest;

beforeAll(async () => {
  await aw.seedApp("moved-app", "team/moved", "base");
  await aw.seedApp("dedupe-app", "team/dedupe", "base");
  await aw.seedApp("burst-a-app", "team/burst", "base");
  await aw.seedApp("burst-b-app", "team/burst", "base");
  await aw.seedApp("fastpath-app", "team/fastpath", "base");
});

describe("POST /api/webhooks/acr: authentication", () => {
  it("answers 401 with no body for a missing secret, a wrong one of the same length and one of another length; nothing starts", async () => {
    const digest = await aw.push("team/dedupe", "v0");
    const body = aw.pushBody({ repository: "team/dedupe", tag: "v0", digest });
    for (const secret of [null, "x".repeat(SECRET.length), "short", `${SECRET}-and-more`]) {
      const answer = await aw.webhook(body, { secret });
      expect({ secret, status: answer.status, text: answer.text }).toEqual({ secret, status: 401, text: "" });
    }
    await aw.advance(WINDOW_MS + 1_000);
    expect(await aw.deploys("dedupe")).toEqual([]);
    expect(await aw.decisions("dedupe")).toEqual([]);
  });
});

describe("POST /api/webhooks/acr: downstream trouble", () => {
  it("answers within 1 s even when the durable store refuses to start anything (ACR never retries, so the answer must not wait)", async () => {
    aw.world.runtime.rpcFaults.add({ method: "POST", pathContains: "autoRolloutPush", status: 503 });
    try {
      const digest = await aw.push("team/missing", "v7");
      const answer = await aw.webhook(aw.pushBody({ repository: "team/missing", tag: "v7", digest }));
      expect(answer.ms).toBeLessThan(1_000);
      // The start failed at once: a 500 problem (what ACR records for the delivery), and nothing half-done.
      expect(answer.status).toBe(500);
    } finally {
      aw.world.runtime.rpcFaults.clear();
    }
    await aw.advance(WINDOW_MS + 1_000);
  });
});

describe("POST /api/webhooks/acr: malformed payloads", () => {
  it("answers 400 problem+json pointing at what is missing, and starts nothing", async () => {
    const noId = await aw.webhook({ action: "push" });
    expect([noId.status, noId.body]).toEqual([400, expect.objectContaining({ type: "urn:aca-rollout:problem:validation-failed", errors: [{ pointer: "/id", detail: expect.any(String) }] })]);
    const push = aw.pushBody({ repository: "team/dedupe", tag: "v9", digest: sha() });
    const noDigest = await aw.webhook({ ...push, target: { repository: "team/dedupe", tag: "v9" } });
    expect([noDigest.status, noDigest.body]).toEqual([400, expect.objectContaining({ errors: [{ pointer: "/target/digest", detail: "is required in a push" }] })]);
    const notObject = await aw.webhook(["push"]);
    expect(notObject.status).toBe(400);
    await aw.advance(WINDOW_MS + 1_000);
    expect(await aw.deploys("dedupe")).toEqual([]);
  });
});

describe("reference payloads", () => {
  it("ping is 200; delete, chart push and chart delete are 202 ignored with the reason; each answer within 1 s", async () => {
    const ping = await aw.webhook({ ...fixture("docs/container-registry-webhook-reference/push-event.json"), action: "ping" });
    expect([ping.status, ping.body]).toEqual([200, { status: "pong", reason: "ping received" }]);
    const cases: [string, RegExp][] = [
      ["delete-event.json", /deleted image/],
      ["chart-push-event.json", /Helm chart/],
      ["chart-delete-event.json", /deleted Helm chart/],
    ];
    for (const [file, reason] of cases) {
      const answer = await aw.webhook(fixture(`docs/container-registry-webhook-reference/${file}`));
      expect({ file, status: answer.status, body: answer.body }).toEqual({ file, status: 202, body: { status: "ignored", reason: expect.stringMatching(reason) } });
      expect(answer.ms).toBeLessThan(1_000);
    }
  });

  it("the reference push (its digest masked by the docs) is accepted for the target following myregistry.azurecr.io/hello-world, and starts nothing", async () => {
    const answer = await aw.webhook(fixture("docs/container-registry-webhook-reference/push-event.json"));
    expect([answer.status, answer.body]).toEqual([202, { status: "accepted", targets: ["hello"], reason: expect.any(String) }]);
    expect(answer.ms).toBeLessThan(1_000);
    await aw.advance(WINDOW_MS + 1_000);
    expect(await aw.decisions("hello")).toEqual([
      expect.objectContaining({ kind: "ignored", via: "webhook", tag: "v1", reason: expect.stringContaining("is not a sha256 digest") }),
    ]);
    expect(await aw.deploys("hello")).toEqual([]);
  });

  it("both Event Grid examples (Event Grid schema and CloudEvents) reach acrImagePushed: their digest is not in the registry, so nothing starts", async () => {
    await aw.push("samples/nginx", "latest", "jolovcr.azurecr.io");
    const eg = await aw.eventGrid([fixture("eventgrid/containerregistry/2018-01-01/examples/event-grid-schema/image_pushed.json")]);
    expect(eg.status).toBe(202);
    const ce = await aw.eventGrid(fixture("eventgrid/containerregistry/2018-01-01/examples/cloud-events-schema/image_pushed.json"), { contentType: "application/cloudevents+json" });
    expect(ce.status).toBe(202);
    await aw.advance(WINDOW_MS + 1_000);
    const decisions = await aw.decisions("nginx");
    // One push, twice (same tag and digest): the second joins the first's window as a duplicate.
    expect(decisions).toEqual([
      expect.objectContaining({ kind: "deduped", via: "eventGrid", tag: "latest", digest: "sha256:57a94fc99816c6aa225678b738ac40d85422e75dbb96115f1bb9b6ed77176166" }),
      expect.objectContaining({ kind: "ignored", via: "eventGrid", tag: "latest", reason: expect.stringContaining("is not in the registry") }),
    ]);
    expect(await aw.deploys("nginx")).toEqual([]);
  });
});

describe("Event Grid handshake", () => {
  it("the SubscriptionValidation handshake succeeds and starts nothing; OPTIONS gets the extension's answer", async () => {
    const before = (await aw.world.runtime.engine.listInstances({})).instances.length;
    const validation = await aw.eventGrid(
      [{ id: randomUUID(), topic: "/subscriptions/x", subject: "", eventType: "Microsoft.EventGrid.SubscriptionValidationEvent", eventTime: new Date().toISOString(), dataVersion: "2", data: { validationCode: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" } }],
      { eventType: "SubscriptionValidation" },
    );
    expect([validation.status, await validation.json()]).toEqual([200, { validationResponse: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" }]);
    const options = await fetch(`${aw.world.runtime.url}/runtime/webhooks/eventgrid?functionName=acrImagePushed&code=${encodeURIComponent(aw.world.runtime.eventGridKey)}`, {
      method: "OPTIONS",
      headers: { "WebHook-Request-Origin": "eventgrid.azure.net" },
    });
    expect([options.status, options.headers.get("webhook-allowed-origin")]).toEqual([200, "eventgrid.azure.net"]);
    await aw.advance(WINDOW_MS + 1_000);
    expect((await aw.world.runtime.engine.listInstances({})).instances.length).toBe(before);
  });
});

describe("the registry is the truth", () => {
  it("a push whose digest is not in the registry starts nothing, and says so", async () => {
    await aw.push("team/missing", "v1");
    const ghost = sha();
    const answer = await aw.webhook(aw.pushBody({ repository: "team/missing", tag: "v1", digest: ghost }));
    expect(answer.status).toBe(202);
    await aw.advance(WINDOW_MS + 1_000);
    expect(await aw.decisions("missing")).toEqual([expect.objectContaining({ kind: "ignored", digest: ghost, reason: expect.stringContaining("is not in the registry") })]);
    expect(await aw.deploys("missing")).toEqual([]);
  });

  it("a push for a tag that moved on deploys the newer digest", async () => {
    const first = await aw.push("team/moved", "v5");
    const newer = await aw.push("team/moved", "v5");
    expect(newer).not.toBe(first);
    const answer = await aw.webhook(aw.pushBody({ repository: "team/moved", tag: "v5", digest: first }));
    expect(answer.status).toBe(202);
    await aw.advance(WINDOW_MS + 1_000);
    const [deploy, ...more] = await aw.deploys("moved");
    expect(more).toEqual([]);
    expect(digestOf(deploy!.input)).toBe(newer);
    expect((deploy!.input as { trigger: unknown }).trigger).toEqual({ kind: "webhook", tag: "v5", eventIds: [expect.any(String)], coalesced: 1 });
    expect(await aw.decisions("moved")).toEqual([expect.objectContaining({ kind: "started", digest: newer, deploymentId: deploy!.instanceId, reason: expect.stringContaining("had moved on") })]);
    const [ended] = await aw.finishDeploys().then((all) => all.filter((s) => s.instanceId === deploy!.instanceId));
    expect((ended!.output as { outcome: string }).outcome).toBe("Succeeded");
    expect(aw.world.app("moved-app").template.containers[0]!.image).toBe(`${LOGIN_SERVER}/team/moved@${newer}`);
  });
});

describe("dedupe and coalescing", () => {
  it("the same push delivered 5 times through the webhook and through Event Grid (both schemas) gives 1 deploy; a redelivery after it gives none", async () => {
    const digest = await aw.push("team/dedupe", "v2");
    const body = aw.pushBody({ repository: "team/dedupe", tag: "v2", digest });
    for (let i = 0; i < 5; i++) expect((await aw.webhook(body)).status).toBe(202);
    expect((await aw.eventGrid([aw.eventGridEvent({ repository: "team/dedupe", tag: "v2", digest })])).status).toBe(202);
    expect((await aw.eventGrid(aw.cloudEvent({ repository: "team/dedupe", tag: "v2", digest }), { contentType: "application/cloudevents+json" })).status).toBe(202);
    await aw.advance(WINDOW_MS + 1_000);
    const deploys = await aw.deploys("dedupe");
    expect(deploys.map((d) => digestOf(d.input))).toEqual([digest]);
    // The webhook's id once (its redeliveries carry the same id) and each Event Grid event's.
    expect((deploys[0]!.input as { trigger: { eventIds: string[] } }).trigger.eventIds).toHaveLength(3);

    // Redelivered while that deploy runs: its id is derived from target and digest, so it exists.
    expect((await aw.webhook(body)).status).toBe(202);
    await aw.advance(WINDOW_MS + 1_000);
    expect(await aw.deploys("dedupe")).toHaveLength(1);
    expect((await aw.decisions("dedupe")).at(-1)).toEqual(expect.objectContaining({ kind: "deduped", deploymentId: deploys[0]!.instanceId, reason: expect.stringContaining("already exists") }));
    await aw.finishDeploys();

    // Redelivered once it runs: the app already runs that digest.
    expect((await aw.webhook(body)).status).toBe(202);
    await aw.advance(WINDOW_MS + 1_000);
    expect(await aw.deploys("dedupe")).toHaveLength(1);
    const decisions = await aw.decisions("dedupe");
    expect(decisions.filter((d) => d.kind === "started")).toHaveLength(1);
    expect(decisions.filter((d) => d.kind === "deduped")).toHaveLength(7);
    expect(decisions.at(-1)).toEqual(expect.objectContaining({ kind: "ignored", digest, reason: expect.stringContaining("already runs") }));
  });

  it("20 pushes to one repository within 2 s give 1 deploy per target, of the last image; two targets give 2 deploys", async () => {
    let last = "";
    for (let i = 1; i <= 20; i++) {
      last = await aw.push("team/burst", `build-${i}`);
      const answer = await aw.webhook(aw.pushBody({ repository: "team/burst", tag: `build-${i}`, digest: last }));
      expect([answer.status, answer.body?.targets]).toEqual([202, ["burst-a", "burst-b"]]);
      await aw.advance(100);
    }
    await aw.advance(WINDOW_MS);
    for (const target of ["burst-a", "burst-b"]) {
      const deploys = await aw.deploys(target);
      expect({ target, digests: deploys.map((d) => digestOf(d.input)) }).toEqual({ target, digests: [last] });
      expect((deploys[0]!.input as { trigger: unknown }).trigger).toEqual(expect.objectContaining({ kind: "webhook", tag: "build-20", coalesced: 20 }));
      const decisions = await aw.decisions(target);
      expect(decisions.filter((d) => d.kind === "coalesced")).toHaveLength(19);
      expect(decisions.filter((d) => d.kind === "started")).toHaveLength(1);
    }
    const ended = await aw.finishDeploys();
    expect(ended.filter((s) => ["burst-a", "burst-b"].includes((s.input as { targetName: string }).targetName)).map((s) => (s.output as { outcome: string }).outcome)).toEqual(["Succeeded", "Succeeded"]);
  });
});

describe("fast path for an image just handed on", () => {
  const pushOrchestrations = async (target: string): Promise<number> =>
    (await aw.world.runtime.engine.listInstances({ showInput: true })).instances.filter((i) => i.name === "autoRolloutPush" && (i.input as { target?: { name?: string } }).target?.name === target).length;

  it("redeliveries and an Event Grid event for the same image within the window join the first push's window: one push orchestration, every event on the deploy, a decision each", async () => {
    const digest = await aw.push("team/fastpath", "main");
    const body = aw.pushBody({ repository: "team/fastpath", tag: "main", digest });
    const answers = await Promise.all([aw.webhook(body), aw.webhook(body), aw.webhook(body)]);
    expect(answers.map((a) => [a.status, a.body?.status, a.body?.targets])).toEqual(Array(3).fill([202, "accepted", ["fastpath"]]));
    await aw.idle();
    expect((await aw.webhook(body)).status).toBe(202);
    expect((await aw.eventGrid([aw.eventGridEvent({ repository: "team/fastpath", tag: "main", digest })])).status).toBe(202);
    await aw.idle();
    expect(await pushOrchestrations("fastpath")).toBe(1);

    await aw.advance(WINDOW_MS + 1_000);
    const deploys = await aw.deploys("fastpath");
    expect(deploys.map((d) => digestOf(d.input))).toEqual([digest]);
    expect((deploys[0]!.input as { trigger: { eventIds: string[] } }).trigger.eventIds).toHaveLength(2);
    const decisions = await aw.decisions("fastpath");
    expect(decisions.map((d) => d.kind)).toEqual(["deduped", "deduped", "deduped", "deduped", "started"]);

    // After the window the same push is news again: it goes the full way and finds its deploy.
    expect((await aw.webhook(body)).status).toBe(202);
    await aw.advance(WINDOW_MS + 1_000);
    expect(await pushOrchestrations("fastpath")).toBe(2);
    expect(await aw.deploys("fastpath")).toHaveLength(1);
    expect((await aw.decisions("fastpath")).at(-1)).toEqual(expect.objectContaining({ kind: "deduped", reason: expect.stringContaining("already exists") }));
    await aw.finishDeploys();
  });
});
