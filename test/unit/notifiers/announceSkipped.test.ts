import { describe, expect, it } from "vitest";
import type { NotificationStarter } from "../../../src/activities/notifyStart.js";
import type { NotifyDeployInput } from "../../../src/domain/notification.js";
import { parseTargetsDocument, type TargetDefinition } from "../../../src/domain/target.js";
import { announceSkipped } from "../../../src/functions/signals/announceSkipped.js";

const SUB = "11111111-2222-4333-8444-555555555555";
function target(notifications: unknown): TargetDefinition {
  const parsed = parseTargetsDocument({ targets: [{ name: "web", containerApp: { subscriptionId: SUB, resourceGroup: "rg", containerApp: "web-app" }, image: { loginServer: "acr.azurecr.io", repository: "team/web" }, notifications }] });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value.targets[0]!;
}

/** A Durable client stand-in that records starts and knows the instances it started. */
function recordingClient(): NotificationStarter & { started: { name: string; instanceId: string; input: NotifyDeployInput }[] } {
  const started: { name: string; instanceId: string; input: NotifyDeployInput }[] = [];
  const client = {
    started,
    getStatus: async (id: string) => {
      if (started.some((s) => s.instanceId === id)) return { runtimeStatus: "Running" };
      throw new Error("DurableClient error: Durable Functions extension replied with HTTP 404 response. This usually means we could not find any data associated with the instanceId provided.");
    },
    startNew: async (name: string, options: { instanceId: string; input: NotifyDeployInput }) => {
      started.push({ name, instanceId: options.instanceId, input: options.input });
      return options.instanceId;
    },
  };
  return client as unknown as NotificationStarter & { started: typeof started };
}

const skipped = (t: TargetDefinition) => ({
  target: t,
  decisionId: "skip-web-4f1c0a9be2d3",
  tag: "v2",
  digest: `sha256:${"4f1c0a9be2d3".padEnd(64, "0")}`,
  reason: "the digest is quarantined for web-app",
  trigger: { kind: "webhook" as const, tag: "v2" },
  at: new Date("2026-11-28T09:15:00Z"),
});

describe("announceSkipped (the push triggers' hook)", () => {
  it("starts one notifyDeploy for the channels that want skipped (the default), once per decision", async () => {
    const client = recordingClient();
    const t = target({ teams: [{ webhookUrlSetting: "TEAMS_URL" }], slack: [{ webhookUrlSetting: "SLACK_URL", events: ["failed"] }] });
    expect(await announceSkipped(client, skipped(t))).toEqual({ started: true });
    expect(await announceSkipped(client, skipped(t))).toEqual({ started: false, reason: "already-announced" });
    expect(client.started).toHaveLength(1);
    expect(client.started[0]).toMatchObject({ name: "notifyDeploy", instanceId: "skip-web-4f1c0a9be2d3-notify-end" });
    expect(client.started[0]!.input.channels).toEqual([{ channel: "teams", urlSetting: "TEAMS_URL", events: ["succeeded", "failed", "rolledBack", "superseded", "canceled", "skipped"] }]);
    expect(client.started[0]!.input.notice).toMatchObject({ event: "skipped", target: "web", image: { tag: "v2" }, reason: "the digest is quarantined for web-app", trigger: { kind: "webhook" } });
  });

  it("starts nothing without a channel for skipped, or with an id that cannot name a deploy", async () => {
    const client = recordingClient();
    expect(await announceSkipped(client, skipped(target({ slack: [{ webhookUrlSetting: "SLACK_URL", events: ["failed"] }] })))).toEqual({ started: false, reason: "no-channel" });
    expect(await announceSkipped(client, { ...skipped(target({ teams: [{ webhookUrlSetting: "T" }] })), decisionId: "Bad Id" })).toMatchObject({ started: false, reason: "invalid-id" });
    expect(client.started).toEqual([]);
  });
});
