/**
 * Build sources and run logs in a real Blob endpoint (Azurite), with SAS URLs signed by the account
 * key, exactly as ACR hands them out. SAS validity uses wall-clock time because Azurite checks it
 * against its own clock, not the sandbox's.
 */
import { BlobSASPermissions, BlobServiceClient, generateBlobSASQueryParameters, StorageSharedKeyCredential, type ContainerClient } from "@azure/storage-blob";
import type { SandboxRoute } from "../../kernel/types.js";
import { LOG_CONTAINER, logBlobName, SOURCE_CONTAINER, type BuildBlobStore } from "./buildBlobStore.js";

/** Where the Azurite (or Azure Storage) account is and how to sign for it. */
export interface AzuriteAccount {
  /** Blob endpoint including the account for Azurite, e.g. `http://127.0.0.1:10000/devstoreaccount1`. */
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
}

const SAS_LIFETIME_MS = 60 * 60 * 1000;
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A {@link BuildBlobStore} backed by Azurite. */
export class AzuriteBuildBlobStore implements BuildBlobStore {
  readonly routes: SandboxRoute[] = [];
  private readonly credential: StorageSharedKeyCredential;
  private readonly service: BlobServiceClient;
  private readonly ready = new Map<string, Promise<ContainerClient>>();

  constructor(account: AzuriteAccount) {
    this.credential = new StorageSharedKeyCredential(account.accountName, account.accountKey);
    this.service = new BlobServiceClient(account.blobEndpoint.replace(/\/+$/, ""), this.credential);
  }

  async sourceUploadUrl(relativePath: string): Promise<string> {
    const container = await this.container(SOURCE_CONTAINER);
    return this.signed(container, relativePath, "rw");
  }

  async readSource(relativePath: string): Promise<Buffer | undefined> {
    const blob = (await this.container(SOURCE_CONTAINER)).getBlockBlobClient(relativePath);
    if (!(await blob.exists())) return undefined;
    return blob.downloadToBuffer();
  }

  async logUrl(runId: string, text: () => string): Promise<string> {
    const container = await this.container(LOG_CONTAINER);
    const content = Buffer.from(text(), "utf8");
    await container.getBlockBlobClient(logBlobName(runId)).uploadData(content, { blobHTTPHeaders: { blobContentType: "text/plain; charset=utf-8" } });
    return this.signed(container, logBlobName(runId), "r");
  }

  reset(): void {
    // Blobs stay in Azurite; every name carries a fresh GUID or run id, so nothing collides.
  }

  private container(name: string): Promise<ContainerClient> {
    let ready = this.ready.get(name);
    if (!ready) {
      const client = this.service.getContainerClient(name);
      ready = client.createIfNotExists().then(() => client);
      ready.catch(() => this.ready.delete(name));
      this.ready.set(name, ready);
    }
    return ready;
  }

  private signed(container: ContainerClient, blobName: string, permissions: string): string {
    const now = Date.now();
    const sas = generateBlobSASQueryParameters(
      {
        containerName: container.containerName,
        blobName,
        permissions: BlobSASPermissions.parse(permissions),
        startsOn: new Date(now - CLOCK_SKEW_MS),
        expiresOn: new Date(now + SAS_LIFETIME_MS),
      },
      this.credential,
    );
    return `${container.getBlockBlobClient(blobName).url}?${sas.toString()}`;
  }
}
