import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobServiceClient } from "@azure/storage-blob";
import { existsSync } from "node:fs";
import { startAzurite, type AzuriteService } from "../../../src/local/services/azurite.js";

describe("Azurite launcher", () => {
  let azurite: AzuriteService;

  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  it("serves the blob endpoint on loopback for the development account", () => {
    expect(azurite.blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(azurite.accountName).toBe("devstoreaccount1");
    expect(azurite.connectionString).toContain(`BlobEndpoint=${azurite.blobEndpoint};`);
  });

  it("round-trips a blob with @azure/storage-blob", async () => {
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient("build-sources");
    await container.createIfNotExists();
    const blob = container.getBlockBlobClient("context.tar.gz");
    const payload = Buffer.from("deterministic build context");
    await blob.uploadData(payload);
    expect(await blob.downloadToBuffer()).toEqual(payload);
    const names: string[] = [];
    for await (const item of container.listBlobsFlat()) names.push(item.name);
    expect(names).toEqual(["context.tar.gz"]);
  });

  it("stops and removes its temporary workspace", async () => {
    const second = await startAzurite();
    expect(existsSync(second.location)).toBe(true);
    await second.stop();
    await expect(fetch(`${second.blobEndpoint}?comp=list`)).rejects.toThrow();
    expect(existsSync(second.location)).toBe(false);
  });
});
