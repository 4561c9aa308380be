/**
 * Issue 9 §4: one build, one manifest. A run that pushes the requested tag and `deploy-<id>` pushes
 * the same manifest under both, as ACR does, so `:v7` names exactly the image that was deployed.
 * Through `@azure/arm-containerregistry` and the data plane.
 */
import type { RunRequestUnion } from "@azure/arm-containerregistry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "./acrClient.js";

const TASK = `version: v1.1.0
steps:
  - build: -t $Registry/{{.Values.repo}}:{{.Values.tag}} -t $Registry/{{.Values.repo}}:deploy-{{.Values.id}} .
  - push:
    - $Registry/{{.Values.repo}}:{{.Values.tag}}
    - $Registry/{{.Values.repo}}:deploy-{{.Values.id}}
`;

const clock = new VirtualClock("2026-03-01T10:00:00.000Z");
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ clock, durations: { runQueued: 1_000, runRunning: 5_000 }, registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY }] });
});
afterAll(async () => {
  await sandbox.stop();
});

describe("one build, one manifest", () => {
  it("the requested tag and deploy-<id> name the same digest", async () => {
    const request: RunRequestUnion = {
      type: "EncodedTaskRunRequest",
      encodedTaskContent: Buffer.from(TASK).toString("base64"),
      encodedValuesContent: Buffer.from("repo: team/web\ntag: v7\nid: dep-7").toString("base64"),
      platform: { os: "Linux", architecture: "amd64" },
    };
    const client = acrClient(sandbox);
    const scheduled = await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, request);
    await clock.advance(60_000);
    const run = await client.runs.get(RESOURCE_GROUP, REGISTRY, scheduled.runId ?? "");
    expect(run.status).toBe("Succeeded");
    const digests = (run.outputImages ?? []).map((image) => `${image.tag}=${image.digest}`);
    expect(digests).toHaveLength(2);
    const [requested, deploy] = run.outputImages ?? [];
    expect(requested?.digest).toBe(deploy?.digest);
    await sandbox.dataPlane.whenIdle();
    const loginServer = `${REGISTRY}.azurecr.io`;
    expect(await sandbox.dataPlane.resolveTag(loginServer, "team/web", "v7")).toBe(requested?.digest);
    expect(await sandbox.dataPlane.resolveTag(loginServer, "team/web", "deploy-dep-7")).toBe(requested?.digest);
  });
});
