/**
 * Build sources and run logs in a real Blob endpoint (Azurite), with SAS URLs signed by the account
 * key, exactly as ACR hands them out. SAS validity uses wall-clock time because Azurite checks it
 * against its own clock, not the sandbox's.
 *
 * Azurite cannot render a log per read, so a run's log is a copy: written when its URL is first handed
 * out, and written again, whole and with ACR's `Complete` metadata, when the run ends (at its finish
 * time on the sandbox's clock, or when a cancel ends it) and at every later log URL. Between those
 * writes the copy does not grow: a reader sees the text as of the last write.
 */
import { BlobSASPermissions, BlobServiceClient, generateBlobSASQueryParameters, StorageSharedKeyCredential, type ContainerClient } from "@azure/storage-blob";
import type { Clock } from "../../../common/clock.js";
import type { SandboxRoute } from "../../kernel/types.js";
import { LOG_CONTAINER, logBlobName, SOURCE_CONTAINER, type BuildBlobStore, type RunLogState } from "./buildBlobStore.js";

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
  /** Runs whose log was handed out and is not final yet: how to read it, and the timer that writes its final state. */
  private readonly pending = new Map<string, { log: () => RunLogState; cancel: () => void }>();
  /** Final writes under way (started by the clock, so nobody else awaits them). */
  private readonly writing = new Set<Promise<unknown>>();

  constructor(
    account: AzuriteAccount,
    private readonly clock: Clock,
  ) {
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

  async logUrl(runId: string, log: () => RunLogState): Promise<string> {
    const container = await this.container(LOG_CONTAINER);
    await this.writeLog(container, runId, log);
    return this.signed(container, logBlobName(runId), "r");
  }

  logChanged(runId: string): void {
    const entry = this.pending.get(runId);
    if (!entry) return;
    this.forget(runId);
    this.writeInBackground(runId, entry.log);
  }

  async whenIdle(): Promise<void> {
    while (this.writing.size > 0) await Promise.allSettled([...this.writing]);
  }

  reset(): void {
    // Blobs stay in Azurite; every name carries a fresh GUID or run id, so nothing collides.
    for (const entry of this.pending.values()) entry.cancel();
    this.pending.clear();
  }

  /** Writes the log as it reads now (with its `Complete` mark once final); while not final, writes again when the run ends. */
  private async writeLog(container: ContainerClient, runId: string, log: () => RunLogState): Promise<void> {
    const state = log();
    await container.getBlockBlobClient(logBlobName(runId)).uploadData(Buffer.from(state.text, "utf8"), {
      blobHTTPHeaders: { blobContentType: "text/plain; charset=utf-8" },
      ...(state.complete !== undefined ? { metadata: { Complete: state.complete } } : {}),
    });
    if (state.complete === undefined && state.endsAt !== undefined) this.writeLater(runId, log, state.endsAt);
    else this.forget(runId);
  }

  /** (Re)schedules the write of a run's log at `at` on the sandbox's clock. */
  private writeLater(runId: string, log: () => RunLogState, at: number): void {
    this.forget(runId);
    const cancel = this.clock.schedule(at, () => {
      this.pending.delete(runId);
      this.writeInBackground(runId, log);
    });
    this.pending.set(runId, { log, cancel });
  }

  /** Writes a run's log now, tracked for {@link whenIdle}. */
  private writeInBackground(runId: string, log: () => RunLogState): void {
    // A failed write leaves the copy as it was; the next log URL writes it again.
    const write = this.container(LOG_CONTAINER)
      .then((container) => this.writeLog(container, runId, log))
      .catch(() => undefined);
    this.writing.add(write);
    void write.finally(() => this.writing.delete(write));
  }

  private forget(runId: string): void {
    this.pending.get(runId)?.cancel();
    this.pending.delete(runId);
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
