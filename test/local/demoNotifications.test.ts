/**
 * `npm start`'s notification demo, as the README describes it: the demo targets post a Teams card, a
 * Slack message and a signed webhook event to the sandbox's capture receiver, which
 * `GET $S/_sandbox/notifications` lists; `POST $S/_sandbox/notifications/answers` rehearses a
 * receiver's error. Same set-up as `npm start` (demoWorld), on a virtual clock.
 */
import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeploymentAccepted, DeploymentResource } from "../../src/functions/http/apiTypes.js";
import { startDemoWorld, type DemoWorld } from "../api/readme/demoWorld.js";

let demo: DemoWorld;
beforeAll(async () => {
  demo = await startDemoWorld();
});
afterAll(async () => {
  await demo?.stop();
});

/** A control call to the sandbox over HTTPS, trusting its CA as the README's curl examples do. */
function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${demo.sandbox.origin}${path}`, { method, ca: demo.sandbox.caPem, headers: body !== undefined ? { "content-type": "application/json" } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, json: text === "" ? undefined : (JSON.parse(text) as unknown) });
      });
    });
    req.on("error", reject);
    req.end(body !== undefined ? JSON.stringify(body) : undefined);
  });
}

async function deployDemo(): Promise<DeploymentResource> {
  const started = await demo.client.request<DeploymentAccepted>("POST", "/deployments", { body: { target: "demo-single", tag: "v2" } });
  expect(started.status).toBe(202);
  await demo.runToEnd(started.body.id);
  await demo.runToEnd(`${started.body.id}-notify-end`);
  return (await demo.client.request<DeploymentResource>("GET", `/deployments/${started.body.id}`)).body;
}

interface Captured {
  channel: string;
  name: string;
  event?: string;
  signatureValid?: boolean;
  answered: number;
  body: unknown;
}

describe("npm start's notification demo", () => {
  it("the demo targets' channels land in the sandbox's capture receiver, the webhook's signature valid", async () => {
    const resource = await deployDemo();
    expect(resource.status).toBe("Succeeded");
    expect(resource.notifications?.map((n) => [n.channel, n.delivered])).toEqual([["teams", true], ["slack", true], ["webhook", true]]);
    const listed = await control("GET", "/_sandbox/notifications");
    expect(listed.status).toBe(200);
    const { receiver, notifications } = listed.json as { receiver: string; notifications: Captured[] };
    expect(receiver).toBe(demo.sandbox.notifications!.origin);
    expect(notifications.map((n) => [n.channel, n.name, n.answered])).toEqual([["teams", "demo", 202], ["slack", "demo", 200], ["webhook", "demo", 204]]);
    expect(notifications[2]).toMatchObject({ event: "succeeded", signatureValid: true, body: { deployment: { id: resource.id, target: "demo-single" } } });
    expect(JSON.stringify(notifications[0]!.body)).toContain("demo-single: v2 deployed and verified");
  });

  it("a scripted answer rehearses a Slack error, recorded on the deploy", async () => {
    expect((await control("DELETE", "/_sandbox/notifications")).status).toBe(204);
    const scripted = await control("POST", "/_sandbox/notifications/answers", { channel: "slack", status: 404, body: "channel_not_found" });
    expect(scripted.status).toBe(201);
    const resource = await deployDemo();
    expect(resource.notifications?.find((n) => n.channel === "slack")).toMatchObject({ delivered: false, attempts: 1, lastError: "HTTP 404: channel_not_found" });
    expect((await control("POST", "/_sandbox/notifications/answers", { channel: "fax", status: 99 })).status).toBe(400);
  });
});
