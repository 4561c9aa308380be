/**
 * The registry-backed BuildKit cache the build task names (`--cache-from/--cache-to
 * type=registry,ref=<registry>/<repo>:buildcache,mode=max`): per cache ref, each step's cache key
 * and the layers that step produced. A build with the cache reads it (a step whose key is present
 * is CACHED and reuses those exact layers) and, when it succeeds, writes every step it ran
 * (`mode=max`). Kept by the run store, and saved with it under `npm start`.
 */
import type { SandboxBlob } from "../../acrDataPlane/sandboxImage.js";

/** A layer as the cache keeps it: the blob plus its uncompressed digest (`rootfs.diff_ids`). */
export interface CachedLayer extends SandboxBlob {
  diffId: string;
}

/** The layers one step produced (none for metadata-only steps). */
export interface CachedStep {
  layers: CachedLayer[];
}

/** A cache as saved: layers as base64. */
export interface BuildCacheSnapshot {
  refs: { ref: string; steps: { key: string; layers: (Omit<CachedLayer, "content"> & { contentBase64: string })[] }[] }[];
}

/** Every registry cache the sandbox's builds use, by cache ref. */
export class BuildCacheStore {
  private readonly refs = new Map<string, Map<string, CachedStep>>();

  /** What `ref` holds for step `key`. */
  get(ref: string, key: string): CachedStep | undefined {
    return this.refs.get(ref.toLowerCase())?.get(key);
  }

  /** Records the steps of a succeeded build (`--cache-to ... mode=max`). */
  write(ref: string, steps: ReadonlyMap<string, CachedStep>): void {
    const entries = this.refs.get(ref.toLowerCase()) ?? new Map<string, CachedStep>();
    for (const [key, step] of steps) entries.set(key, step);
    this.refs.set(ref.toLowerCase(), entries);
  }

  /** Forgets every cache. */
  clear(): void {
    this.refs.clear();
  }

  /** JSON-able contents. */
  snapshot(): BuildCacheSnapshot {
    return {
      refs: [...this.refs].map(([ref, steps]) => ({
        ref,
        steps: [...steps].map(([key, step]) => ({ key, layers: step.layers.map(({ content, ...layer }) => ({ ...layer, contentBase64: content.toString("base64") })) })),
      })),
    };
  }

  /** Takes over a {@link snapshot}. */
  restore(snapshot: BuildCacheSnapshot | undefined): void {
    this.clear();
    for (const { ref, steps } of snapshot?.refs ?? []) {
      this.refs.set(ref, new Map(steps.map(({ key, layers }) => [key, { layers: layers.map(({ contentBase64, ...layer }) => ({ ...layer, content: Buffer.from(contentBase64, "base64") })) }])));
    }
  }
}
