/**
 * Issue 12 acceptance: deploys started over the HTTP API, run by the local runtime against the
 * sandbox on the virtual clock, announce their verified outcome over real HTTP to receivers this test
 * starts: a Teams Workflows card, a Slack Block Kit message, and a signed generic webhook event.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TargetsDocumentInput } from "../../src/domain/target.js";
import type { DeploymentResource } from "../../src/functions/http/apiTypes.js";
import { slackLimitProblems, type SlackMessage } from "../../src/notifiers/slackMessage.js";
import { startApiWorld, targetFor, type ApiWorld } from "../api/deployments/apiWorld.js";
import { startNotificationReceiver, type NotificationReceiver } from "../support/notificationReceiver.js";
import { appRef } from "./world.js";

const SECRET = "whsec_e2e_5f1b9c0d7a2e4f6a8b0c1d2e3f405162";
const PATHS = { teams: "/teams/workflows/abc123/triggers/manual/sig-TEAMSSIG0001", slack: "/slack/services/T000/B000/SLACKSECRET0001", hook: "/hook/events?token=HOOKTOKEN0001" };
const SETTINGS = { teams: "E2E_TEAMS_URL", slack: "E2E_SLACK_URL", hook: "E2E_HOOK_URL", secret: "E2E_HOOK_SECRET", down: "E2E_DOWN_URL" };
const OUTCOMES = ["succeeded", "failed", "rolledBack"] as const;

const logLines: string[] = [];
let api: ApiWorld;
let receiver: NotificationReceiver;
let downUrl: string;

function channels(): TargetsDocumentInput["targets"][number]["notifications"] {
  return {
    teams: [{ webhookUrlSetting: SETTINGS.teams, events: [...OUTCOMES] }],
    slack: [{ webhookUrlSetting: SETTINGS.slack, events: [...OUTCOMES] }],
    webhook: [{ urlSetting: SETTINGS.hook, secretSetting: SETTINGS.secret, events: [...OUTCOMES] }],
  };
}

const TARGETS: TargetsDocumentInput = {
  targets: [
    targetFor("web-ok", "web-ok", { notifications: channels() }),
    targetFor("web-denied", "web-denied", { notifications: channels() }),
    targetFor("web-bad", "web-bad", { notifications: channels() }),
    targetFor("web-retry", "web-retry", { notifications: { teams: [{ webhookUrlSetting: SETTINGS.teams }], slack: [{ webhookUrlSetting: SETTINGS.slack }] } }),
    targetFor("web-down", "web-down", { notifications: { teams: [{ webhookUrlSetting: SETTINGS.down }] } }),
    targetFor("web-quiet", "web-quiet"),
    targetFor("web-pace-a", "web-pace-a", { notifications: { slack: [{ webhookUrlSetting: SETTINGS.slack }] } }),
    targetFor("web-pace-b", "web-pace-b", { notifications: { slack: [{ webhookUrlSetting: SETTINGS.slack }] } }),
    targetFor("web-start", "web-start", { notifications: { teams: [{ webhookUrlSetting: SETTINGS.teams, events: ["started", "succeeded"] }] } }),
  ],
};

beforeAll(async () => {
  api = await startApiWorld(TARGETS, { log: (entry) => logLines.push(JSON.stringify(entry)) });
  receiver = await startNotificationReceiver(api.world.clock);
  const down = await startNotificationReceiver(api.world.clock);
  downUrl = `${down.origin}/teams/down/sig-DOWNSIG0001`;
  await down.stop();
  Object.assign(process.env, {
    [SETTINGS.teams]: receiver.origin + PATHS.teams,
    [SETTINGS.slack]: receiver.origin + PATHS.slack,
    [SETTINGS.hook]: receiver.origin + PATHS.hook,
    [SETTINGS.secret]: SECRET,
    [SETTINGS.down]: downUrl,
  });
  for (const app of ["web-ok", "web-denied", "web-bad", "web-retry", "web-down", "web-quiet", "web-start", "web-pace-a", "web-pace-b"]) await api.world.seedApp(app);
  await api.world.pushImage("v2");
});
afterAll(async () => {
  await receiver?.stop();
  await api?.stop();
  for (const name of Object.values(SETTINGS)) delete process.env[name];
});
beforeEach(() => receiver.clear());
afterEach(() => api.world.sandbox.faults.clear());

/** Deploys `target` at v2 over the API and runs the deploy to its end; returns its id, status URL and end time. */
async function deploy(target: string): Promise<{ id: string; statusUrl: string; endedAt: number }> {
  const started = await api.call<{ id: string; statusUrl: string }>("POST", "/deployments", { json: { target, tag: "v2" } });
  expect(started.status).toBe(202);
  const status = await api.world.runToEnd(started.body.id);
  expect(status.runtimeStatus).toBe("Completed");
  return { ...started.body, endedAt: api.world.clock.now() };
}

/** Runs the deploy's outcome notifications to their end and returns the deploy as the API shows it. */
async function delivered(id: string): Promise<DeploymentResource> {
  await api.world.runToEnd(`${id}-notify-end`);
  return api.deployment(id);
}

/** The reference HMAC check a receiver would write: `t=<unix>,v1=<hex>` over `<t>.<body>`, at most 5 minutes old. */
function verifySignature(header: string | undefined, body: string, secret: string, nowSeconds: number): boolean {
  const parts = Object.fromEntries((header ?? "").split(",").map((part) => part.split("=") as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || parts.v1 === undefined || Math.abs(nowSeconds - t) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The `adaptivecards` package's own parser, from its UMD bundle, run in Node. */
interface AdaptiveCardsModule {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void };
  SerializationContext: new (version?: unknown) => { eventCount: number; getEventAt(i: number): { message: string } };
  Versions: { v1_5: unknown };
}
const adaptiveCards = createRequire(import.meta.url)("adaptivecards/dist/adaptivecards.js") as AdaptiveCardsModule;
function cardParseEvents(card: unknown): string[] {
  const context = new adaptiveCards.SerializationContext(adaptiveCards.Versions.v1_5);
  new adaptiveCards.AdaptiveCard().parse(card, context);
  return Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
}

interface TeamsBody {
  type: string;
  attachments: { contentType: string; contentUrl: null; content: { type: string; version: string; body: unknown[]; actions?: { url: string }[] } }[];
}

/** Checks the three messages of one outcome and returns their texts for the content checks. */
function checkMessages(statusUrl: string, event: string): { teams: string; slack: SlackMessage; hook: Record<string, unknown> } {
  const [teams] = receiver.at(PATHS.teams);
  const [slack] = receiver.at(PATHS.slack);
  const [hook] = receiver.at(PATHS.hook);
  expect([teams, slack, hook].every((r) => r !== undefined)).toBe(true);

  const envelope = teams!.json as TeamsBody;
  expect(envelope.type).toBe("message");
  expect(envelope.attachments).toHaveLength(1);
  expect(envelope.attachments[0]).toMatchObject({ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: { type: "AdaptiveCard", version: "1.5" } });
  expect(cardParseEvents(envelope.attachments[0]!.content)).toEqual([]);
  expect(Buffer.byteLength(teams!.raw)).toBeLessThan(20_000);
  expect(envelope.attachments[0]!.content.actions?.[0]?.url).toBe(statusUrl);

  const message = slack!.json as SlackMessage;
  expect(slackLimitProblems(message)).toEqual([]);
  expect(JSON.stringify(message.blocks)).toContain(statusUrl);

  const event_ = hook!.json as Record<string, unknown>;
  expect(event_).toMatchObject({ schema: "aca-rollout.deploy-notification/v1", event, deployment: { statusUrl } });
  expect(hook!.headers["x-aca-rollout-event"]).toBe(event);
  expect(verifySignature(hook!.headers["x-aca-rollout-signature"] as string, hook!.raw, SECRET, Math.floor(Date.now() / 1000))).toBe(true);
  return { teams: teams!.raw, slack: message, hook: event_ };
}

describe("notifications (issue 12)", () => {
  it("a succeeded deploy is announced on Teams, Slack and the signed webhook, and the status records each delivery", async () => {
    const { id, statusUrl } = await deploy("web-ok");
    const resource = await delivered(id);
    expect(resource.status).toBe("Succeeded");
    const { teams, slack, hook } = checkMessages(statusUrl, "succeeded");
    for (const text of [teams, JSON.stringify(slack)]) {
      for (const expected of ["web-ok", "team/web:v2", "Succeeded", "verify", resource.revision!, resource.previousRevision!, "API"]) expect(text).toContain(expected);
      expect(text).toContain(resource.image.digest!.slice(0, "sha256:".length + 12));
    }
    // A receiver's reference check refuses a tampered body and a replay older than 5 minutes.
    const signed = receiver.at(PATHS.hook)[0]!;
    const header = signed.headers["x-aca-rollout-signature"] as string;
    const t = Number(/t=(\d+)/.exec(header)?.[1]);
    expect(verifySignature(header, signed.raw, SECRET, t)).toBe(true);
    expect(verifySignature(header, signed.raw.replace('"Succeeded"', '"Failed"'), SECRET, t)).toBe(false);
    expect(verifySignature(header, signed.raw, SECRET, t + 301)).toBe(false);
    expect(verifySignature(header, signed.raw, "another-secret", t)).toBe(false);
    expect(slack.text).toMatch(/^✅ web-ok: v2 deployed and verified \(Succeeded, (?:\d+m )?\d+s\)\.$/);
    expect(hook).toMatchObject({ id: `${id}.succeeded`, deployment: { id, target: "web-ok", outcome: "Succeeded", newRevision: resource.revision, previousRevision: resource.previousRevision, trigger: { kind: "api" } } });
    expect(resource.notifications).toEqual([
      { channel: "teams", setting: SETTINGS.teams, event: "succeeded", delivered: true, attempts: 1, deliveredAt: expect.any(String) },
      { channel: "slack", setting: SETTINGS.slack, event: "succeeded", delivered: true, attempts: 1, deliveredAt: expect.any(String) },
      { channel: "webhook", setting: SETTINGS.hook, event: "succeeded", delivered: true, attempts: 1, deliveredAt: expect.any(String) },
    ]);
  });

  it("a failed deploy says why, with the ARM code and correlation id", async () => {
    api.world.sandbox.faults.inject({ operation: "Microsoft.App/containerApps/write", status: 403, code: "AuthorizationFailed", message: "The client has no permission to write", times: "always" });
    const { id, statusUrl } = await deploy("web-denied");
    const resource = await delivered(id);
    expect(resource.status).toBe("Failed");
    expect(resource.error?.correlationId).toBeDefined();
    const { teams, slack, hook } = checkMessages(statusUrl, "failed");
    for (const text of [teams, JSON.stringify(slack)]) {
      for (const expected of ["deploy failed", "AuthorizationFailed", resource.error!.correlationId!, "no permission"]) expect(text).toContain(expected);
    }
    expect(hook).toMatchObject({ event: "failed", deployment: { outcome: "Failed", error: { code: "AuthorizationFailed", correlationId: resource.error!.correlationId } } });
  });

  it("a rolled-back deploy names the bad revision and the one serving again", async () => {
    api.world.sandbox.apps.setNextRevisionBehaviour(appRef("web-bad"), { kind: "neverHealthy" });
    const { id, statusUrl } = await deploy("web-bad");
    const resource = await delivered(id);
    expect(resource.status).toBe("RolledBack");
    const { teams, slack, hook } = checkMessages(statusUrl, "rolledBack");
    for (const text of [teams, JSON.stringify(slack)]) {
      for (const expected of ["deploy rolled back", "RolledBack", resource.revision!, resource.previousRevision!, "rollback", "restart"]) expect(text).toContain(expected);
    }
    expect(hook).toMatchObject({ event: "rolledBack", deployment: { outcome: "RolledBack", quarantinedDigest: resource.image.digest } });
  });

  it("a receiver answering 500 three times then 202 is retried and marked delivered; a Slack 429 with Retry-After: 2 is honoured", async () => {
    receiver.script(PATHS.teams, [{ status: 500 }, { status: 500 }, { status: 500 }]);
    // Twice, so the wait cannot be mistaken for the backoff (2 s, then 4 s).
    receiver.script(PATHS.slack, [
      { status: 429, body: "rate_limited", headers: { "retry-after": "2" } },
      { status: 429, body: "rate_limited", headers: { "retry-after": "2" } },
    ]);
    const { id } = await deploy("web-retry");
    const resource = await delivered(id);
    const teams = receiver.at(PATHS.teams).map((r) => r.at);
    const slack = receiver.at(PATHS.slack).map((r) => r.at);
    expect(teams).toHaveLength(4);
    // Backoff without Retry-After: 2, 4, 8 s on the orchestration clock.
    expect(teams.slice(1).map((at, i) => at - teams[i]!)).toEqual([2_000, 4_000, 8_000]);
    expect(slack.slice(1).map((at, i) => at - slack[i]!)).toEqual([2_000, 2_000]);
    expect(resource.notifications).toEqual([
      { channel: "teams", setting: SETTINGS.teams, event: "succeeded", delivered: true, attempts: 4, deliveredAt: expect.any(String) },
      { channel: "slack", setting: SETTINGS.slack, event: "succeeded", delivered: true, attempts: 3, deliveredAt: expect.any(String) },
    ]);
  });

  it("a Slack 404 channel_not_found is recorded and not retried", async () => {
    receiver.script(PATHS.slack, [{ status: 404, body: "channel_not_found" }]);
    const { id } = await deploy("web-retry");
    const resource = await delivered(id);
    await api.world.clock.advanceTo(api.world.clock.now() + 10 * 60_000, api.world.settle);
    expect(receiver.at(PATHS.slack)).toHaveLength(1);
    expect(resource.notifications?.find((n) => n.channel === "slack")).toEqual({ channel: "slack", setting: SETTINGS.slack, event: "succeeded", delivered: false, attempts: 1, lastError: "HTTP 404: channel_not_found" });
  });

  it("with a receiver that is down, the deploy still ends Succeeded on time and the failure is recorded", async () => {
    const quietStart = api.world.clock.now();
    const quiet = await deploy("web-quiet");
    const downStart = api.world.clock.now();
    const down = await deploy("web-down");
    // The same virtual duration as a deploy without notifications, and its outcome shows at once.
    expect(down.endedAt - downStart).toBe(quiet.endedAt - quietStart);
    const atEnd = await api.deployment(down.id);
    expect(atEnd.status).toBe("Succeeded");
    expect(atEnd.notifications).toEqual([expect.objectContaining({ channel: "teams", delivered: false })]);
    const after = await delivered(down.id);
    expect(after.notifications).toEqual([{ channel: "teams", setting: SETTINGS.down, event: "succeeded", delivered: false, attempts: 5, lastError: "could not reach the receiver (ECONNREFUSED)" }]);
  });

  it("a channel that asks for started hears the start when the deploy takes the app, then the outcome", async () => {
    const { id } = await deploy("web-start");
    await api.world.runToEnd(`${id}-notify-start`);
    const resource = await delivered(id);
    const [start, end] = receiver.at(PATHS.teams);
    expect(JSON.stringify(start!.json)).toContain("web-start: v2 deploy started");
    expect(JSON.stringify(end!.json)).toContain("web-start: v2 deployed and verified");
    expect(start!.at).toBeLessThan(end!.at);
    expect(resource.notifications?.map((n) => [n.event, n.delivered])).toEqual([["started", true], ["succeeded", true]]);
  });

  it("two deploys ending at the same instant post to one Slack webhook a second apart (its pace, shared by every deploy)", async () => {
    const started = await Promise.all(
      ["web-pace-a", "web-pace-b"].map((target) => api.call<{ id: string }>("POST", "/deployments", { json: { target, tag: "v2" } })),
    );
    const [a, b] = started.map((answer) => answer.body.id);
    await api.world.runToEnd(a!);
    await api.world.runToEnd(b!);
    await delivered(a!);
    await delivered(b!);
    const times = receiver.at(PATHS.slack).map((r) => r.at);
    expect(times).toHaveLength(2);
    expect(Math.abs(times[1]! - times[0]!)).toBe(1_000);
  });

  it("no log line, status document, history or error carries a webhook URL or the secret", async () => {
    receiver.script(PATHS.slack, [{ status: 400, body: `invalid_payload see ${process.env[SETTINGS.slack]}` }]);
    const { id } = await deploy("web-ok");
    await delivered(id);
    const documents: string[] = [...logLines];
    const page = await api.world.runtime.engine.listInstances({ showInput: true });
    for (const instance of page.instances) {
      documents.push(JSON.stringify(await api.world.runtime.engine.getStatus(instance.instanceId, { showHistory: true, showHistoryOutput: true, showInput: true })));
    }
    const list = await api.call("GET", "/deployments?top=50");
    documents.push(list.text);
    for (const instance of page.instances.filter((i) => i.name === "deploy")) documents.push(JSON.stringify(await api.deployment(instance.instanceId)));
    const text = documents.join("\n");
    // The records exist (so the scan looks at them) and the Slack error was scrubbed of the URL it quoted.
    expect(text).toContain("E2E_SLACK_URL");
    expect(text).toContain("HTTP 400: invalid_payload see ***");
    const secrets = [SECRET, receiver.origin, downUrl, ...Object.values(PATHS), "TEAMSSIG0001", "SLACKSECRET0001", "HOOKTOKEN0001", "DOWNSIG0001"];
    expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
  });
});
