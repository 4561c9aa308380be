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

  it("copies a running run's log without a mark, then writes it whole with `Complete: <status>` metadata when the run ends", async () => {
    const client = acrClient(sandbox);
    const complete = async (logLink: string): Promise<string | undefined> => {
      const { metadata } = await new BlockBlobClient(logLink).getProperties();
      return Object.entries(metadata ?? {}).find(([key]) => key.toLowerCase() === "complete")?.[1];
    };
    const task = { type: "EncodedTaskRunRequest", encodedTaskContent: Buffer.from("steps:\n  - build: -t $Registry/web:v2 .\n").toString("base64"), platform: { os: "Linux" } } as const;
    const succeeded = await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, task);
    sandbox.acr.failNextRun("Timeout");
    const timedOut = await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, task);
    const canceled = await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, task);
    const links = await Promise.all([succeeded, timedOut, canceled].map(async (run) => (await client.runs.getLogSasUrl(RESOURCE_GROUP, REGISTRY, run.runId!)).logLink!));
    expect(await Promise.all(links.map(complete))).toEqual([undefined, undefined, undefined]);

    // A cancel ends the run at once: its copy is written with the mark then, not at the planned finish.
    await client.runs.beginCancelAndWait(RESOURCE_GROUP, REGISTRY, canceled.runId!);
    await sandbox.acr.logWritesIdle();
    expect(await complete(links[2]!)).toBe("Canceled");
    expect(await complete(links[0]!)).toBeUndefined();

    // The runs' finish time on the sandbox's clock writes the final copies (same URLs, no new log link).
    await clock.advance(2_000);
    await sandbox.acr.logWritesIdle();
    expect(await Promise.all(links.map(complete))).toEqual(["Succeeded", "TimedOut", "Canceled"]);
    const finalLog = (await new BlockBlobClient(links[0]!).downloadToBuffer()).toString("utf8");
    expect(finalLog).toContain(`Run ID: ${succeeded.runId!} was successful`);
  });
});
