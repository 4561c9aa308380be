/**
 * Where ACR Tasks keeps uploaded build sources and run logs. Real ACR hands out SAS URLs into its own
 * storage account; the sandbox either does the same against Azurite (see `azuriteBuildBlobStore.ts`)
 * or serves a minimal Blob endpoint itself, under `/sandboxblobs/{container}/{blob}` on its own
 * port, enough for `@azure/storage-blob`'s BlockBlobClient to upload (single PUT or staged blocks)
 * and download. The sandbox's SAS signature is an HMAC over container, blob and permissions; expiry
 * is not checked.
 *
 * A run's log blob behaves as ACR's: it exists while the run runs (its text grows with the clock) and
 * carries the metadata `x-ms-meta-Complete: <status>` once the run is final, the mark `az acr` waits
 * for (see `logCompleteMark` in runLog.ts).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { SandboxReply, SandboxRequest, SandboxRoute } from "../../kernel/types.js";

/** A run's log blob as it reads now. */
export interface RunLogState {
  text: string;
  /** The blob's `Complete` metadata value once the run is final (`Succeeded`, `Failed`, `TimedOut`, ...). */
  complete: string | undefined;
  /** While the run is not final: when it will be (epoch ms, the sandbox's clock), so a store that copies the log can write its final state then. */
  endsAt?: number;
}

/** Blob storage for build sources and run logs. */
export interface BuildBlobStore {
  /** A URL the client can PUT the source archive to; `relativePath` is `source/<date>/<guid>.tar.gz`. */
  sourceUploadUrl(relativePath: string, origin: string): Promise<string>;
  /** The uploaded source archive, if the client uploaded it. */
  readSource(relativePath: string): Promise<Buffer | undefined>;
  /** A read URL for a run's log; `log` gives its current state (the built-in store reads it per request, so the log grows and gets its mark). */
  logUrl(runId: string, log: () => RunLogState, origin: string): Promise<string>;
  /** Tells the store a run's log changed outside its own schedule (a cancel ended the run early). */
  logChanged?(runId: string): void;
  /** Resolves once log writes the store started by itself (a copy's final write) are done. */
  whenIdle?(): Promise<void>;
  /** Data-plane routes the store serves on the sandbox port (none for Azurite). */
  routes: SandboxRoute[];
  reset(): void;
  /** What a persistent sandbox must save (the built-in store's signing key and blobs; Azurite keeps its own). */
  snapshot?(): BlobStoreSnapshot;
  /** Takes over a snapshot; `logOf(runId)` renders a run's current log, for log URLs handed out before. */
  restore?(snapshot: BlobStoreSnapshot, logOf: (runId: string) => RunLogState): void;
}

/** The built-in store as saved: its SAS signing key, committed blobs (base64), and which run logs it serves (rendered from the runs). */
export interface BlobStoreSnapshot {
  secretBase64: string;
  blobs: { key: string; dataBase64: string; etag: string; lastModified: string; contentType: string }[];
  /** Run ids whose log URL was handed out. */
  logRunIds?: string[];
}

/** Container names, as an ACR-owned storage account would have them. */
export const SOURCE_CONTAINER = "acr-source";
export const LOG_CONTAINER = "acr-logs";

/** The blob path of a run's log, as in the `RunsGetLogSasUrl` example. */
export function logBlobName(runId: string): string {
  return `logs/${runId}/rawtext.log`;
}

const STORAGE_VERSION = "2024-08-04";
const BLOB_PREFIX = "/sandboxblobs";

interface StoredBlob {
  data: Buffer;
  etag: string;
  lastModified: string;
  contentType: string;
  /** `x-ms-meta-*` values by name (as written, case kept). */
  metadata?: Record<string, string>;
}

function storageError(status: number, code: string, message: string): SandboxReply {
  return {
    status,
    headers: { "content-type": "application/xml", "x-ms-error-code": code, "x-ms-version": STORAGE_VERSION },
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  };
}

/** The built-in blob endpoint: blobs in memory, SAS-like signed URLs, served on the sandbox port. */
export class SandboxBuildBlobStore implements BuildBlobStore {
  readonly routes: SandboxRoute[];
  private secret = randomBytes(32);
  private readonly blobs = new Map<string, StoredBlob>();
  private readonly liveBlobs = new Map<string, () => RunLogState>();
  private readonly liveRunIds = new Set<string>();
  private readonly staged = new Map<string, Map<string, Buffer>>();

  constructor(private readonly now: () => number) {
    const template = `${BLOB_PREFIX}/{container}/{*blob}`;
    const write = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write";
    const read = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
    this.routes = [
      { method: "PUT", template, operation: write, plane: "data", kind: "write", handler: (req) => this.put(req) },
      { method: "GET", template, operation: read, plane: "data", kind: "read", handler: (req) => this.get(req) },
      { method: "HEAD", template, operation: read, plane: "data", kind: "read", handler: (req) => this.get(req) },
    ];
  }

  async sourceUploadUrl(relativePath: string, origin: string): Promise<string> {
    // Read and write, as ACR's own (RegistriesGetBuildSourceUploadUrl example: sp=rw).
    return this.signedUrl(origin, SOURCE_CONTAINER, relativePath, "rw");
  }

  async readSource(relativePath: string): Promise<Buffer | undefined> {
    return this.blobs.get(`${SOURCE_CONTAINER}/${relativePath}`)?.data;
  }

  async logUrl(runId: string, log: () => RunLogState, origin: string): Promise<string> {
    this.registerLog(runId, log);
    return this.signedUrl(origin, LOG_CONTAINER, logBlobName(runId), "r");
  }

  private registerLog(runId: string, log: () => RunLogState): void {
    this.liveBlobs.set(`${LOG_CONTAINER}/${logBlobName(runId)}`, log);
    this.liveRunIds.add(runId);
  }

  reset(): void {
    this.blobs.clear();
    this.liveBlobs.clear();
    this.liveRunIds.clear();
    this.staged.clear();
  }

  snapshot(): BlobStoreSnapshot {
    return {
      secretBase64: this.secret.toString("base64"),
      blobs: [...this.blobs].map(([key, blob]) => ({ key, dataBase64: blob.data.toString("base64"), etag: blob.etag, lastModified: blob.lastModified, contentType: blob.contentType })),
      logRunIds: [...this.liveRunIds],
    };
  }

  restore(snapshot: BlobStoreSnapshot, logOf: (runId: string) => RunLogState): void {
    this.reset();
    // The same key keeps SAS URLs handed out before the restart valid.
    this.secret = Buffer.from(snapshot.secretBase64, "base64");
    for (const { key, dataBase64, ...blob } of snapshot.blobs) this.blobs.set(key, { ...blob, data: Buffer.from(dataBase64, "base64") });
    // Rendered when read, not now: the rest of the sandbox is still being restored.
    for (const runId of snapshot.logRunIds ?? []) this.registerLog(runId, () => logOf(runId));
  }

  private signature(container: string, blob: string, permissions: string): string {
    return createHmac("sha256", this.secret).update(`${container}\n${blob}\n${permissions}`).digest("base64");
  }

  private signedUrl(origin: string, container: string, blob: string, permissions: string): string {
    const expires = new Date(this.now() + 60 * 60 * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const query = new URLSearchParams({ sv: STORAGE_VERSION, se: expires, sr: "b", sp: permissions, sig: this.signature(container, blob, permissions) });
    const path = blob.split("/").map(encodeURIComponent).join("/");
    return `${origin}${BLOB_PREFIX}/${container}/${path}?${query.toString()}`;
  }

  /** Checks the SAS signature and that it grants one of `needed`. */
  private authorize(req: SandboxRequest, needed: string[]): SandboxReply | undefined {
    const permissions = req.query.get("sp") ?? "";
    const given = Buffer.from(req.query.get("sig") ?? "", "base64");
    const expected = Buffer.from(this.signature(req.params.container ?? "", req.params.blob ?? "", permissions), "base64");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return storageError(403, "AuthenticationFailed", "Server failed to authenticate the request. Make sure the value of the signature is formed correctly.");
    }
    if (!needed.some((permission) => permissions.includes(permission))) {
      return storageError(403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission.");
    }
    return undefined;
  }

  private put(req: SandboxRequest): SandboxReply {
    const denied = this.authorize(req, ["w", "c"]);
    if (denied) return denied;
    const key = `${req.params.container}/${req.params.blob}`;
    const comp = req.query.get("comp");
    if (comp === "block") {
      const blockId = req.query.get("blockid");
      if (!blockId) return storageError(400, "InvalidQueryParameterValue", "blockid is required.");
      const blocks = this.staged.get(key) ?? new Map<string, Buffer>();
      blocks.set(blockId, req.rawBody);
      this.staged.set(key, blocks);
      return { status: 201, headers: { "x-ms-version": STORAGE_VERSION, "x-ms-request-server-encrypted": "true" } };
    }
    let data = req.rawBody;
    if (comp === "blocklist") {
      const blocks = this.staged.get(key) ?? new Map<string, Buffer>();
      const ids = [...req.rawBody.toString("utf8").matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\/(?:Latest|Uncommitted|Committed)>/g)].map((m) => m[1] ?? "");
      const parts: Buffer[] = [];
      for (const id of ids) {
        const block = blocks.get(id);
        if (!block) return storageError(400, "InvalidBlockList", "The specified block list is invalid.");
        parts.push(block);
      }
      data = Buffer.concat(parts);
      this.staged.delete(key);
    } else if (comp !== null) {
      return storageError(400, "UnsupportedQueryParameter", `comp=${comp} is not supported by the sandbox.`);
    }
    const stored: StoredBlob = {
      data,
      etag: `"0x${createHash("md5").update(data).update(String(this.now())).digest("hex").slice(0, 15).toUpperCase()}"`,
      lastModified: new Date(this.now()).toUTCString(),
      contentType: req.headers["x-ms-blob-content-type"] ?? (comp === null ? req.headers["content-type"] : undefined) ?? "application/octet-stream",
    };
    this.blobs.set(key, stored);
    return {
      status: 201,
      headers: {
        etag: stored.etag,
        "last-modified": stored.lastModified,
        "content-md5": createHash("md5").update(data).digest("base64"),
        "x-ms-version": STORAGE_VERSION,
        "x-ms-request-server-encrypted": "true",
      },
    };
  }

  private get(req: SandboxRequest): SandboxReply {
    const denied = this.authorize(req, ["r"]);
    if (denied) return denied;
    const key = `${req.params.container}/${req.params.blob}`;
    const live = this.liveBlobs.get(key)?.();
    const blob: StoredBlob | undefined = live
      ? {
          data: Buffer.from(live.text, "utf8"),
          etag: `"live"`,
          lastModified: new Date(this.now()).toUTCString(),
          contentType: "text/plain; charset=utf-8",
          ...(live.complete !== undefined ? { metadata: { Complete: live.complete } } : {}),
        }
      : this.blobs.get(key);
    if (!blob) return storageError(404, "BlobNotFound", "The specified blob does not exist.");
    const headers: Record<string, string> = {
      etag: blob.etag,
      "last-modified": blob.lastModified,
      "content-type": blob.contentType,
      "x-ms-blob-type": "BlockBlob",
      "x-ms-version": STORAGE_VERSION,
      "accept-ranges": "bytes",
    };
    for (const [name, value] of Object.entries(blob.metadata ?? {})) headers[`x-ms-meta-${name}`] = value;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers["x-ms-range"] ?? req.headers.range ?? "");
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : blob.data.length - 1, blob.data.length - 1);
      if (start >= blob.data.length) return storageError(416, "InvalidRange", "The range specified is invalid for the current size of the resource.");
      const slice = blob.data.subarray(start, end + 1);
      headers["content-range"] = `bytes ${start}-${end}/${blob.data.length}`;
      headers["content-length"] = String(slice.length);
      return { status: 206, headers, body: slice };
    }
    headers["content-length"] = String(blob.data.length);
    return { status: 200, headers, body: blob.data };
  }
}
