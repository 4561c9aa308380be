/**
 * Creation and update times for the `/acr/v1` metadata API. Distribution doesn't expose them, so the
 * data plane remembers when it saw a tag or manifest pushed (on the sandbox clock); anything pushed
 * behind its back is dated when first observed.
 */
import type { Clock } from "../../../common/clock.js";

/** Created/updated instants as ISO strings. */
export interface ArtifactTimestamps {
  createdTime: string;
  lastUpdateTime: string;
}

interface TagRecord {
  created: number;
  updated: number;
  digest: string;
}

/** The timestamps as saved (JSON-able). */
export interface ArtifactTimesSnapshot {
  tags: [string, TagRecord][];
  manifests: [string, number][];
  repositories: [string, { created: number; updated: number }][];
}

/** Per registry/repository/tag/digest timestamps. */
export class ArtifactTimes {
  private tags = new Map<string, TagRecord>();
  private manifests = new Map<string, number>();
  private repositories = new Map<string, { created: number; updated: number }>();

  constructor(private readonly clock: Clock) {}

  /** Records that `repository:tag` now points at `digest` (a push). */
  recordTag(registry: string, repository: string, tag: string, digest: string): void {
    this.tag(registry, repository, tag, digest);
  }

  /** Timestamps of `repository:tag` at `digest`, dating it now if it is new or moved. */
  tag(registry: string, repository: string, tag: string, digest: string): ArtifactTimestamps {
    const now = this.clock.now();
    const key = `${registry}/${repository}:${tag}`;
    let record = this.tags.get(key);
    if (!record) {
      record = { created: now, updated: now, digest };
      this.tags.set(key, record);
    } else if (record.digest !== digest) {
      record.digest = digest;
      record.updated = now;
    }
    this.manifest(registry, repository, digest);
    this.touchRepository(registry, repository, record.updated);
    return { createdTime: new Date(record.created).toISOString(), lastUpdateTime: new Date(record.updated).toISOString() };
  }

  /** Timestamps of manifest `digest`, dating it now if it is new. */
  manifest(registry: string, repository: string, digest: string): ArtifactTimestamps {
    const key = `${registry}/${repository}@${digest}`;
    let created = this.manifests.get(key);
    if (created === undefined) {
      created = this.clock.now();
      this.manifests.set(key, created);
    }
    this.touchRepository(registry, repository, created);
    const iso = new Date(created).toISOString();
    return { createdTime: iso, lastUpdateTime: iso };
  }

  /** Timestamps of a repository: first and latest artifact seen. */
  repository(registry: string, repository: string): ArtifactTimestamps {
    const record = this.repositories.get(`${registry}/${repository}`) ?? { created: this.clock.now(), updated: this.clock.now() };
    return { createdTime: new Date(record.created).toISOString(), lastUpdateTime: new Date(record.updated).toISOString() };
  }

  /** Every timestamp, as JSON-able data. */
  snapshot(): ArtifactTimesSnapshot {
    return { tags: [...this.tags].map(([key, record]) => [key, { ...record }]), manifests: [...this.manifests], repositories: [...this.repositories].map(([key, record]) => [key, { ...record }]) };
  }

  /** Replaces every timestamp with saved ones. */
  restore(snapshot: ArtifactTimesSnapshot): void {
    this.tags = new Map(snapshot.tags);
    this.manifests = new Map(snapshot.manifests);
    this.repositories = new Map(snapshot.repositories);
  }

  /** Forgets everything. */
  clear(): void {
    this.tags = new Map();
    this.manifests = new Map();
    this.repositories = new Map();
  }

  private touchRepository(registry: string, repository: string, at: number): void {
    const key = `${registry}/${repository}`;
    const record = this.repositories.get(key);
    if (!record) this.repositories.set(key, { created: at, updated: at });
    else record.updated = Math.max(record.updated, at);
  }
}
