/**
 * Uploads a packed context to the SAS URL `POST /api/uploads` answered, with `@azure/storage-blob`
 * as `az acr build` does: one block blob, progress reported as bytes go out. The URL is a credential;
 * errors are re-worded without it.
 */
import { BlockBlobClient } from "@azure/storage-blob";

/** Options of {@link uploadArchive}. */
export interface UploadOptions {
  /** Told how many bytes have gone out. */
  readonly onProgress?: (loadedBytes: number) => void;
  /** Extra CA certificates (PEM) to trust, for a sandbox that serves blobs over its own TLS. */
  readonly caPem?: string;
}

/** Removes the query (the SAS) from a URL, for messages. */
export function withoutSas(url: string): string {
  const at = url.indexOf("?");
  return at === -1 ? url : `${url.slice(0, at)}?<sas>`;
}

/** Uploads `archive` to `uploadUrl` as a block blob. */
export async function uploadArchive(uploadUrl: string, archive: Buffer, options: UploadOptions = {}): Promise<void> {
  const client = new BlockBlobClient(uploadUrl, undefined, {
    retryOptions: { maxTries: 3 },
    ...(options.caPem !== undefined ? { tlsOptions: { ca: options.caPem } } : {}),
  });
  try {
    await client.uploadData(archive, {
      blockSize: 4 * 1024 * 1024,
      concurrency: 4,
      blobHTTPHeaders: { blobContentType: "application/gzip" },
      onProgress: (progress) => options.onProgress?.(progress.loadedBytes),
    });
  } catch (error) {
    const status = typeof error === "object" && error !== null && "statusCode" in error ? ` (${String(error.statusCode)})` : "";
    const code = typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? ` ${error.code}` : "";
    throw new Error(`uploading the context to ${withoutSas(uploadUrl)} failed${status}${code}`);
  }
}
