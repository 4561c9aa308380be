/**
 * Issue 12 acceptance: notifications over real HTTP to receivers this test starts, from deploys run by
 * the local runtime against the sandbox on the virtual clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChannelRef, NotificationRecord } from "../../src/domain/notification.js";
import { startNotificationReceiver, type NotificationReceiver } from "../support/notificationReceiver.js";
import { appRef, outputOf, type DeployWorld, useDeployWorld } from "./world.js";

const SECRET = "whsec-test-0123456789abcdef-not-a-real-secret";
const logLines: string[] = [];
let world: DeployWorld;
let receiver: NotificationReceiver;
useDeployWorld((started) => (world = started), { clearFaultsAfterEach: true, log: (entry) => logLines.push(JSON.stringify(entry)) });

beforeAll(async () => {
  receiver = await startNotificationReceiver(world.clock);
  Object.assign(process.env, {
    E2E_TEAMS_URL: `${receiver.origin}/teams/workflow-sig-abc123`,
    E2E_SLACK_URL: `${receiver.origin}/slack/T000/B000/XXXXsecretpath`,
    E2E_HOOK_URL: `${receiver.origin}/hook/events?token=hook-token-zzz`,
    E2E_HOOK_SECRET: SECRET,
  });
});
afterAll(async () => {
  await receiver.stop();
});
beforeEach(() => receiver.clear());

const ALL: ChannelRef[] = [
  { channel: "teams", urlSetting: "E2E_TEAMS_URL", events: ["succeeded", "failed", "rolledBack"] },
  { channel: "slack", urlSetting: "E2E_SLACK_URL", events: ["succeeded", "failed", "rolledBack"] },
  { channel: "webhook", urlSetting: "E2E_HOOK_URL", secretSetting: "E2E_HOOK_SECRET", events: ["succeeded", "failed", "rolledBack"] },
];

async function notifications(deploymentId: string): Promise<NotificationRecord[]> {
  const status = await world.runToEnd(`${deploymentId}-notify-end`);
  return (status.output as { notifications: NotificationRecord[] }).notifications;
}

describe("notifications", () => {
  it("a succeeded deploy is announced on Teams, Slack and the signed webhook", async () => {
    const app = await world.seedApp("web-notify-ok");
    await world.pushImage("v2");
    const request = world.request(app.name, { notifications: ALL, statusUrl: "http://localhost:7071/api/deployments/x" });
    const id = await world.start(request);
    const out = outputOf(await world.runToEnd(id));
    expect(out.outcome).toBe("Succeeded");
    const records = await notifications(id);
    expect(records.map((r) => [r.channel, r.delivered, r.attempts])).toEqual([["teams", true, 1], ["slack", true, 1], ["webhook", true, 1]]);
    console.log(JSON.stringify(receiver.received.map((r) => [r.path, r.json]), null, 1).slice(0, 3000));
    void appRef;
  });
});
