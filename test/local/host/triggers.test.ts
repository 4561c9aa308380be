/**
 * Event Grid and timer triggers in the local runtime, through real HTTP and the virtual clock. The
 * expected answers are the Event Grid extension's (Azure/azure-sdk-for-net,
 * Microsoft.Azure.WebJobs.Extensions.EventGrid: TriggerBinding/HttpRequestProcessor.cs and
 * Config/EventGridExtensionConfigProvider.cs) and the timer extension's (azure-webjobs-sdk-extensions,
 * Extensions/Timers/Listener/TimerListener.cs).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startLocalRuntime, type LocalRuntime } from "../../../src/local/host.js";
import type { FunctionLogEntry } from "../../../src/local/http/invokeHttpFunction.js";

type Records = (typeof import("../../fixtures/host/triggersApp.js"))["triggerRecords"];

const START = "2026-03-02T00:00:00.000Z"; // a Monday
const MASTER_KEY = "triggers-test-master-key";
const clock = new VirtualClock(START);
const logs: FunctionLogEntry[] = [];
let runtime: LocalRuntime;
let records: Records;
let dataDir: string;

const settle = (): Promise<void> => runtime.idle();

async function startRuntime(): Promise<LocalRuntime> {
  return startLocalRuntime({
    functionModules: async () => {
      records = (await import("../../fixtures/host/triggersApp.js")).triggerRecords;
    },
    clock,
    dataDir,
    taskHub: "triggerstest",
    functionKey: "triggers-test-function-key",
    masterKey: MASTER_KEY,
    log: (entry) => logs.push(entry),
  });
}

function webhook(query: string): string {
  return `${runtime.url}/runtime/webhooks/eventgrid?${query}`;
}

async function post(query: string, eventType: string | undefined, body: unknown, contentType = "application/json"): Promise<Response> {
  const headers: Record<string, string> = { "content-type": contentType };
  if (eventType) headers["aeg-event-type"] = eventType;
  return fetch(webhook(query), { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

const pushEvent = (id: string, subject = "demo/hello:v2") => ({
  id,
  topic: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/demoacr",
  subject,
  eventType: "Microsoft.ContainerRegistry.ImagePushed",
  eventTime: "2026-03-02T00:00:01.1234567Z",
  data: { target: { repository: "demo/hello", tag: "v2" } },
  dataVersion: "1.0",
  metadataVersion: "1",
});

const cloudEvent = (id: string) => ({
  specversion: "1.0",
  id,
  source: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/demoacr",
  type: "Microsoft.ContainerRegistry.ImagePushed",
  subject: "demo/hello:v3",
  time: "2026-03-02T00:00:02Z",
  data: { target: { repository: "demo/hello", tag: "v3" } },
});

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "aca-rollout-triggers-"));
  runtime = await startRuntime();
});

afterAll(async () => {
  await runtime?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("Event Grid webhook (/runtime/webhooks/eventgrid)", () => {
  it("wants the eventgrid_extension system key (code= or x-functions-key) or the master key", async () => {
    const body = [pushEvent("k1")];
    expect((await post("functionName=onImagePushed", "Notification", body)).status).toBe(401);
    expect((await post("functionName=onImagePushed&code=wrong", "Notification", body)).status).toBe(401);
    expect((await post(`functionName=onImagePushed&code=${runtime.functionKey}`, "Notification", body)).status).toBe(401);
    expect((await post(`functionName=onImagePushed&code=${encodeURIComponent(runtime.eventGridKey)}`, "Notification", body)).status).toBe(202);
    expect((await post(`functionName=onImagePushed&code=${MASTER_KEY}`, "Notification", body)).status).toBe(202);
    const viaHeader = await fetch(webhook("functionName=onImagePushed"), {
      method: "POST",
      headers: { "x-functions-key": runtime.eventGridKey, "aeg-event-type": "Notification", "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(viaHeader.status).toBe(202);
    // The durable extension's key is another extension's: refused.
    expect((await post(`functionName=onImagePushed&code=${encodeURIComponent(runtime.systemKey)}`, "Notification", body)).status).toBe(401);
  });

  it("answers 404 'cannot find function' for an unknown or missing functionName (names are matched exactly)", async () => {
    const code = `code=${encodeURIComponent(runtime.eventGridKey)}`;
    for (const query of [`functionName=nope&${code}`, code, `functionName=onimagepushed&${code}`]) {
      const response = await post(query, "Notification", [pushEvent("x")]);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(`cannot find function: '${new URLSearchParams(query).get("functionName") ?? ""}'`);
    }
  });

  it("answers the SubscriptionValidation handshake without invoking the function", async () => {
    const before = records.events.length;
    const code = `functionName=onImagePushed&code=${encodeURIComponent(runtime.eventGridKey)}`;
    const validation = [
      {
        id: "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66",
        topic: "/subscriptions/s",
        subject: "",
        data: { validationCode: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", validationUrl: "https://rp-eastus2.eventgrid.azure.net/..." },
        eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
        eventTime: "2026-03-02T00:00:00Z",
        metadataVersion: "1",
        dataVersion: "1",
      },
    ];
    const response = await post(code, "SubscriptionValidation", validation);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ validationResponse: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" });
    // A CloudEvent-shaped validation event carries data double-encoded.
    const single = await post(code, "subscriptionvalidation", { specversion: "1.0", id: "v", source: "s", type: "t", data: JSON.stringify({ validationCode: "abc" }) });
    expect(await single.json()).toEqual({ validationResponse: "abc" });
    expect(records.events.length).toBe(before);
  });

  it("answers the CloudEvents abuse-protection OPTIONS request with Webhook-Allowed-Origin", async () => {
    const url = webhook(`functionName=onImagePushed&code=${encodeURIComponent(runtime.eventGridKey)}`);
    const cases: Array<[string | undefined, string]> = [
      ["eventgrid.azure.net", "eventgrid.azure.net"],
      ["eventgrid.azure.us", "eventgrid.azure.us"],
      ["evil.example.com", "eventgrid.azure.net"],
      [undefined, "eventgrid.azure.net"],
    ];
    for (const [origin, allowed] of cases) {
      const response = await fetch(url, { method: "OPTIONS", headers: origin ? { "WebHook-Request-Origin": origin } : {} });
      expect([response.status, response.headers.get("webhook-allowed-origin")]).toEqual([200, allowed]);
    }
  });

  it("delivers Event Grid schema arrays, single CloudEvents and CloudEvents batches one event per invocation, answering 202", async () => {
    const code = `functionName=onImagePushed&code=${encodeURIComponent(runtime.eventGridKey)}`;
    const before = records.events.length;
    expect((await post(code, "Notification", [pushEvent("a"), pushEvent("b")])).status).toBe(202);
    expect((await post(code, "Notification", cloudEvent("c"), "application/cloudevents+json; charset=utf-8")).status).toBe(202);
    expect((await post(code, "Notification", [cloudEvent("d"), cloudEvent("e")], "application/cloudevents-batch+json; charset=utf-8")).status).toBe(202);
    const seen = records.events.slice(before);
    expect(seen.map((e) => (e as { id: string }).id).sort()).toEqual(["a", "b", "c", "d", "e"]);
    // The event reaches the handler as sent (dates stay strings: DateParseHandling.None).
    expect(seen.find((e) => (e as { id: string }).id === "a")).toEqual(pushEvent("a"));
    expect(seen.find((e) => (e as { id: string }).id === "c")).toEqual(cloudEvent("c"));
    expect(logs.some((l) => l.functionName === "onImagePushed" && l.message === "event a")).toBe(true);
  });

  it("answers 500 naming the function when an invocation fails, 400 without aeg-event-type, 202 for Unsubscribe", async () => {
    const code = `functionName=onImagePushed&code=${encodeURIComponent(runtime.eventGridKey)}`;
    const failed = await post(code, "Notification", [pushEvent("ok"), pushEvent("bad", "fail")]);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe("Exception while executing function: Functions.onImagePushed");
    expect((await post(code, undefined, [pushEvent("none")])).status).toBe(400);
    expect((await post(code, "Something", [pushEvent("none")])).status).toBe(400);
    expect((await post(code, "Unsubscribe", [])).status).toBe(202);
    expect((await post(code, "Notification", "{not json")).status).toBe(500);
  });
});

describe("timer triggers on the runtime's clock", () => {
  type Seen = Records["timers"][number];
  const of = (name: string): Seen[] => records.timers.filter((t) => t.name === name);

  it("ran the runOnStartup function once at start with the host's TimerInfo (camel-cased by the library)", () => {
    expect(of("atStartup")).toEqual([
      {
        name: "atStartup",
        timer: {
          schedule: { adjustForDST: true },
          scheduleStatus: { last: "0001-01-01T00:00:00", next: "2026-03-02T03:00:00.0000000+00:00", lastUpdated: "2026-03-02T00:00:00.0000000+00:00" },
          isPastDue: false,
        },
      },
    ]);
    expect(of("reconcileScan")).toEqual([]);
    expect(logs.filter((l) => /Timer triggers are not run|not run by the local runtime/.test(l.message))).toEqual([]);
  });

  it("runs each NCRONTAB occurrence as the clock reaches it; a failing function keeps its schedule", async () => {
    await clock.advance(5 * 60_000, settle);
    const scans = of("reconcileScan");
    expect(scans).toHaveLength(1);
    expect(scans[0]?.timer).toEqual({
      schedule: { adjustForDST: true },
      scheduleStatus: { last: "0001-01-01T00:00:00", next: "2026-03-02T00:05:00.0000000+00:00", lastUpdated: "2026-03-02T00:00:00.0000000+00:00" },
      isPastDue: false,
    });
    // The timer's handler started an orchestration through its durable client input; it has completed.
    expect(records.orchestrations).toHaveLength(1);
    expect((await runtime.engine.getStatus(records.orchestrations[0] ?? ""))?.runtimeStatus).toBe("Completed");
    // Every ten seconds for five minutes, although each invocation throws; sub-minute schedules get no status.
    const tens = of("everyTenSeconds");
    expect(tens).toHaveLength(30);
    expect(tens[0]?.timer).toEqual({ schedule: { adjustForDST: true }, scheduleStatus: null, isPastDue: false });
    expect(runtime.timers.nextOccurrences().get("reconcileScan")).toBe(Date.parse("2026-03-02T00:10:00Z"));
    expect(runtime.timers.nextOccurrences().get("atStartup")).toBe(Date.parse("2026-03-02T03:00:00Z"));
  });

  it("runs a missed occurrence once with isPastDue after a restart", async () => {
    await runtime.stop();
    // 12 minutes later the recorded Next (00:10) has passed.
    await clock.advance(7 * 60_000);
    runtime = await startRuntime();
    await settle();
    const scans = of("reconcileScan");
    expect(scans).toHaveLength(2);
    expect(scans[1]?.timer).toMatchObject({ isPastDue: true, scheduleStatus: { last: "2026-03-02T00:05:00.0000000+00:00", next: "2026-03-02T00:10:00.0000000+00:00" } });
    // runOnStartup runs at every start of a function that is not past due (TimerListener.StartAsync).
    expect(of("atStartup")).toHaveLength(2);
    expect(runtime.timers.nextOccurrences().get("reconcileScan")).toBe(Date.parse("2026-03-02T00:15:00Z"));
  });
});
