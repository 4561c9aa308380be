import { BlockBlobClient } from "@azure/storage-blob";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startAzurite, type AzuriteService } from "../../../src/local/services/azurite.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "./acrClient.js";

describe("build sources and run logs in Azurite, behind real SAS URLs", () => {
  const clock = new VirtualClock();
  let azurite: AzuriteService;
  let sandbox: Sandbox;

  beforeAll(async () => {
    azurite = await startAzurite();
    sandbox = await startSandbox({
      clock,
      durations: { runQueued: 0, runRunning: 2_000 },
      blobEndpoint: azurite.blobEndpoint,
      blobAccountName: azurite.accountName,
      blobAccountKey: azurite.accountKey,
      registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY }],
    });
  });
  afterAll(async () => {
    await sandbox?.stop();
    await azurite?.stop();
  });

  it("hands out an Azurite upload SAS, sees the upload, and serves the log through a read SAS", async () => {
    const client = acrClient(sandbox);
    const upload = await client.registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY);
    expect(upload.uploadUrl).toMatch(new RegExp(`^${azurite.blobEndpoint}/acr-source/source/\\d{12}/[0-9a-f-]{36}\\.tar\\.gz\\?.*sig=`));
    const archive = randomBytes(2_048);
    await new BlockBlobClient(upload.uploadUrl!).uploadData(archive);
    expect(await sandbox.acr.readSource(upload.relativePath!)).toEqual(archive);

    sandbox.acr.failNextRun("Failed", "error: COPY failed: file not found in build context");
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, {
      type: "EncodedTaskRunRequest",
      encodedTaskContent: Buffer.from("steps:\n  - build: -t $Registry/web:v1 .\n").toString("base64"),
      platform: { os: "Linux" },
      sourceLocation: upload.relativePath,
    });
    expect(sandbox.acr.scheduledRun("ca1")?.sourceUploaded).toBe(true);
    await clock.advance(2_000);
    expect((await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1")).status).toBe("Failed");

    const { logLink } = await client.runs.getLogSasUrl(RESOURCE_GROUP, REGISTRY, "ca1");
    expect(logLink).toMatch(new RegExp(`^${azurite.blobEndpoint}/acr-logs/logs/ca1/rawtext\\.log\\?.*sp=r.*sig=`));
    const log = await new BlockBlobClient(logLink!).downloadToBuffer();
    expect(log.toString("utf8")).toContain("COPY failed: file not found in build context");

    await expect(new BlockBlobClient(logLink!.replace(/sig=[^&]+/, "sig=AAAA"), undefined, { retryOptions: { maxTries: 1 } }).downloadToBuffer()).rejects.toMatchObject({
      statusCode: 403,
    });
  });
});
