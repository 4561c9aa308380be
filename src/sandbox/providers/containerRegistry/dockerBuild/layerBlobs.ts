/**
 * The bytes of simulated image layers: gzip'd tars of real files (what a COPY copied) or of
 * generated payloads standing in for what a RUN installed. Payloads are pseudo-random (sha256 in
 * counter mode), so they do not compress away and a layer's size says how much work it stands for;
 * the same seed always gives the same bytes.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { MediaTypes } from "../../acrDataPlane/registryBackend.js";
import { tarArchive, type TarFile } from "../../acrDataPlane/tarArchive.js";
import type { CachedLayer } from "./buildCache.js";

/** `sha256:<hex>` of `content`. */
export function sha256Digest(content: Buffer | string): string {
  return `sha256:${createHash("sha256").update(content).digest("hex")}`;
}

/** A stable key over `parts` (a step's cache key). */
export function stableKey(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/** `size` pseudo-random bytes determined by `seed`. */
export function payload(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let offset = 0, counter = 0; offset < size; offset += 32, counter++) {
    createHash("sha256").update(`${seed}:${counter}`).digest().copy(out, offset);
  }
  return out;
}

/** A layer holding `files` (sorted by path, so the order of discovery never matters). */
export function layerOf(files: readonly TarFile[]): CachedLayer {
  const tar = tarArchive([...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
  // gzip with no name and mtime 0: the bytes depend only on the tar.
  const content = gzipSync(tar, { level: 6 });
  return { digest: sha256Digest(content), mediaType: MediaTypes.ociLayerGzip, content, diffId: sha256Digest(tar) };
}
