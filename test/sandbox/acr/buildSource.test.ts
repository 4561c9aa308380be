import { BlockBlobClient, type StoragePipelineOptions } from "@azure/storage-blob";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { sandboxRequest } from "../core/sandboxHttp.js";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "./acrClient.js";

/**
 * Storage client options trusting the sandbox CA. `StoragePipelineOptions` does not declare `tlsOptions`,
 * but @azure/storage-blob 12 hands its options to core-rest-pipeline's `createClientPipeline`, which applies it.
 */
function trusting(caPem: string): StoragePipelineOptions {
  const options = { retryOptions: { maxTries: 2 }, tlsOptions: { ca: caPem } };
  return options;
}

const encodedTask = (sourceLocation: string) => ({
  type: "EncodedTaskRunRequest" as const,
  encodedTaskContent: Buffer.from("steps:\n  - build: -t $Registry/web:{{.Run.ID}} .\n").toString("base64"),
  platform: { os: "Linux" },
  sourceLocation,
});

describe("build source upload to the sandbox-served blob URL", () => {
  const clock = new VirtualClock();
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ clock, durations: { runQueued: 0, runRunning: 1_000 } });
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
  });

  it("accepts an @azure/storage-blob upload (single PUT and staged blocks) and the run sees the source", async () => {
    const client = acrClient(sandbox);
    const small = await client.registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY);
    const archive = randomBytes(3_000);
    await new BlockBlobClient(small.uploadUrl!, undefined, trusting(sandbox.caPem)).uploadData(archive);
    expect(await sandbox.acr.readSource(small.relativePath!)).toEqual(archive);

    const big = await client.registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY);
    const bigArchive = randomBytes(300_000);
    const blob = new BlockBlobClient(big.uploadUrl!, undefined, trusting(sandbox.caPem));
    await blob.uploadData(bigArchive, { maxSingleShotSize: 100_000, blockSize: 64 * 1024 });
    expect(await sandbox.acr.readSource(big.relativePath!)).toEqual(bigArchive);

    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, encodedTask(small.relativePath!));
    expect(sandbox.acr.scheduledRun("ca1")).toMatchObject({ sourceLocation: small.relativePath, sourceUploaded: true });
    await clock.advance(1_000);
    expect((await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1")).status).toBe("Succeeded");
  });

  it("refuses uploads with a tampered signature or read-only permission", async () => {
    const { uploadUrl } = await acrClient(sandbox).registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY);
    const tampered = await sandboxRequest(sandbox, "PUT", uploadUrl!.replace(/sig=[^&]+/, "sig=bm9wZQ%3D%3D"), { bearer: false, body: Buffer.from("x") });
    expect(tampered.status).toBe(403);
    expect(tampered.headers["x-ms-error-code"]).toBe("AuthenticationFailed");
    const readOnly = await sandboxRequest(sandbox, "PUT", uploadUrl!.replace("sp=rw", "sp=r"), { bearer: false, body: Buffer.from("x") });
    expect(readOnly.status).toBe(403);
  });

  it("fails a run whose relative source was never uploaded, as ACR does", async () => {
    const client = acrClient(sandbox);
    const { relativePath } = await client.registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY);
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, encodedTask(relativePath!));
    await clock.advance(1_000);
    const run = await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1");
    expect(run.status).toBe("Failed");
    expect(sandbox.acr.scheduledRun("ca1")?.sourceUploaded).toBe(false);
    const { logLink } = await client.runs.getLogSasUrl(RESOURCE_GROUP, REGISTRY, "ca1");
    expect((await sandboxRequest(sandbox, "GET", logLink!, { bearer: false })).text).toContain("BlobNotFound");
  });

  it("gives identical base and app layers to two builds of the same source, but distinct digests", async () => {
    const client = acrClient(sandbox);
    const manifests: Buffer[] = [];
    sandbox.acr.addImagePushSink({
      onImagePushed: (_l, _r, _t, _d, manifest) => {
        manifests.push(manifest.content);
      },
    });
    const archive = randomBytes(1_000);
    for (let i = 0; i < 2; i++) {
      const upload = await client.registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY);
      await new BlockBlobClient(upload.uploadUrl!, undefined, trusting(sandbox.caPem)).uploadData(archive);
      await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, encodedTask(upload.relativePath!));
    }
    await clock.advance(1_000);
    expect(manifests).toHaveLength(2);
    const layers = manifests.map((m) => (JSON.parse(m.toString("utf8")) as { layers: { digest: string }[] }).layers.map((layer) => layer.digest));
    expect(layers[0]!.slice(1)).toEqual(layers[1]!.slice(1));
    expect(layers[0]![0]).not.toBe(layers[1]![0]);
    const [first, second] = await Promise.all(["ca1", "ca2"].map((id) => client.runs.get(RESOURCE_GROUP, REGISTRY, id)));
    expect(first!.outputImages![0]!.digest).not.toBe(second!.outputImages![0]!.digest);
  });
});
