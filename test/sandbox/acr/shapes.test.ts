import type { RunRequestUnion } from "@azure/arm-containerregistry";
import type { FullOperationResponse } from "@azure/core-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { expectSameShape, isCommonTypesField, keyPaths, loadExampleResponse } from "../shape.js";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "./acrClient.js";

const EXAMPLES = "containerregistry/2019-06-01-preview/examples";

/**
 * Key paths of the official `RegistryGet.json` example (Microsoft.ContainerRegistry 2025-11-01,
 * Azure/azure-rest-api-specs@1ff559f), which test/fixtures/azure-rest-examples does not carry.
 */
const REGISTRY_GET_PATHS = [
  "id", "location", "name", "properties", "properties.adminUserEnabled", "properties.anonymousPullEnabled", "properties.creationDate",
  "properties.dataEndpointEnabled", "properties.dataEndpointHostNames", "properties.encryption", "properties.encryption.status",
  "properties.loginServer", "properties.networkRuleBypassAllowedForTasks", "properties.networkRuleBypassOptions", "properties.networkRuleSet",
  "properties.networkRuleSet.defaultAction", "properties.networkRuleSet.ipRules", "properties.policies",
  "properties.policies.azureADAuthenticationAsArmPolicy", "properties.policies.azureADAuthenticationAsArmPolicy.status",
  "properties.policies.exportPolicy", "properties.policies.exportPolicy.status", "properties.policies.quarantinePolicy",
  "properties.policies.quarantinePolicy.status", "properties.policies.retentionPolicy", "properties.policies.retentionPolicy.days",
  "properties.policies.retentionPolicy.lastUpdatedTime", "properties.policies.retentionPolicy.status", "properties.policies.trustPolicy",
  "properties.policies.trustPolicy.status", "properties.policies.trustPolicy.type", "properties.privateEndpointConnections",
  "properties.provisioningState", "properties.publicNetworkAccess", "properties.roleAssignmentMode", "properties.status",
  "properties.zoneRedundancy", "sku", "sku.name", "sku.tier", "tags", "type",
];

/** Captures the wire body (JSON as sent, before the SDK's model mapping) of the SDK call's final response. */
function capture(): { onResponse: (raw: FullOperationResponse) => void; body: () => unknown; status: () => number } {
  let last: FullOperationResponse | undefined;
  return {
    onResponse: (raw) => (last = raw),
    body: () => (last?.bodyAsText ? (JSON.parse(last.bodyAsText) as unknown) : undefined),
    status: () => last?.status ?? 0,
  };
}

const archivedRun: RunRequestUnion = {
  type: "EncodedTaskRunRequest",
  encodedTaskContent: Buffer.from("steps:\n  - build: -t $Registry/web:v1 .\n").toString("base64"),
  platform: { os: "Linux", architecture: "amd64" },
  agentConfiguration: { cpu: 2 },
  isArchiveEnabled: true,
};

describe("ACR responses have the shape of the official examples", () => {
  const clock = new VirtualClock("2026-03-01T10:00:00.000Z");
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ clock, durations: { runQueued: 1_000, runRunning: 5_000 } });
    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  it("Registries_Get", async () => {
    const raw = capture();
    await acrClient(sandbox).registries.get(RESOURCE_GROUP, REGISTRY, { onResponse: raw.onResponse });
    expect(keyPaths(raw.body()).filter((path) => !isCommonTypesField(path))).toEqual(REGISTRY_GET_PATHS);
    expect(raw.body()).toMatchObject({ systemData: { createdByType: "Application", createdAt: expect.any(String), lastModifiedAt: expect.any(String) } });
  });

  it("Registries_ScheduleRun (EncodedTaskRunRequest), with the singular run type", async () => {
    const raw = capture();
    await acrClient(sandbox).registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, archivedRun, { onResponse: raw.onResponse });
    expect(raw.status()).toBe(200);
    expectSameShape(raw.body(), loadExampleResponse(`${EXAMPLES}/RegistriesScheduleRun_EncodedTaskRun.json`));
    expect(raw.body()).toMatchObject({ type: "Microsoft.ContainerRegistry/registries/run" });
  });

  it("Registries_GetBuildSourceUploadUrl", async () => {
    const raw = capture();
    const result = await acrClient(sandbox).registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY, { onResponse: raw.onResponse });
    expectSameShape(raw.body(), loadExampleResponse(`${EXAMPLES}/RegistriesGetBuildSourceUploadUrl.json`));
    expect(result.relativePath).toMatch(/^source\/\d{12}\/[0-9a-f-]{36}\.tar\.gz$/);
    expect(result.uploadUrl).toContain(`/${result.relativePath}?`);
  });

  it("Runs_Get of a finished quick run (a quick run has no task or image-update trigger)", async () => {
    const client = acrClient(sandbox);
    const scheduled = await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, archivedRun);
    await clock.advance(6_000);
    const raw = capture();
    await client.runs.get(RESOURCE_GROUP, REGISTRY, scheduled.runId!, { onResponse: raw.onResponse });
    expectSameShape(raw.body(), loadExampleResponse(`${EXAMPLES}/RunsGet.json`), { ignore: ["properties.task", "properties.imageUpdateTrigger"] });
    expect(raw.body()).toMatchObject({ type: "Microsoft.ContainerRegistry/registries/runs", properties: { status: "Succeeded" } });
  });

  it("Runs_List", async () => {
    const raw = capture();
    const client = acrClient(sandbox);
    for await (const page of client.runs.list(RESOURCE_GROUP, REGISTRY, { onResponse: raw.onResponse }).byPage()) expect(page.length).toBeGreaterThan(0);
    expectSameShape(raw.body(), loadExampleResponse(`${EXAMPLES}/RunsList.json`), { ignore: ["value[].properties.task", "value[].properties.imageUpdateTrigger"] });
  });

  it("Runs_GetLogSasUrl", async () => {
    const raw = capture();
    await acrClient(sandbox).runs.getLogSasUrl(RESOURCE_GROUP, REGISTRY, "ca1", { onResponse: raw.onResponse });
    expectSameShape(raw.body(), loadExampleResponse(`${EXAMPLES}/RunsGetLogSasUrl.json`));
  });

  it("Runs_Cancel answers an empty 202 while the run is in progress", async () => {
    const client = acrClient(sandbox);
    const scheduled = await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, archivedRun);
    const raw = capture();
    await client.runs.beginCancelAndWait(RESOURCE_GROUP, REGISTRY, scheduled.runId!, { onResponse: raw.onResponse });
    expect(raw.status()).toBe(202);
    expect(raw.body()).toBeUndefined();
    expect(loadExampleResponse(`${EXAMPLES}/RunsCancel.json`, "202")).toBeUndefined();
  });
});
