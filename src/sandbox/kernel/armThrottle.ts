/**
 * ARM's per-subscription request limits as token buckets on the sandbox clock: reads hold 250 tokens
 * refilled at 25/s, writes (PUT/PATCH/DELETE and POST actions) 200 refilled at 10/s. Tokens refill
 * lazily from the elapsed clock time, so a virtual clock drives them with no timers. The bucket also
 * remembers its low-water mark and how many 429s it issued, so tests can prove the product never
 * exhausted it.
 */
import type { Clock } from "../../common/clock.js";

/** Which ARM bucket a call draws from. */
export type BucketKind = "reads" | "writes";

/** Capacity and refill rate of one bucket. */
export interface BucketLimits {
  capacity: number;
  refillPerSecond: number;
}

/** ARM's published per-subscription limits. */
export const ARM_LIMITS: Readonly<Record<BucketKind, BucketLimits>> = Object.freeze({
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
});

/** What taking a token answered. */
export type TakeResult = { allowed: true; remaining: number } | { allowed: false; remaining: 0; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** A JSON-able view of the throttle for tests and `GET /_sandbox/state`. */
export interface ThrottleSnapshot {
  limits: Record<BucketKind, BucketLimits>;
  /** Remaining tokens per subscription (lowercase id) and bucket, refilled to the current clock time. */
  remaining: Record<string, Record<BucketKind, number>>;
  /** Lowest remaining count any call saw since the last reset, per bucket. */
  minRemaining: Record<BucketKind, number>;
  /** 429s issued by the buckets themselves (injected 429 faults are not counted). */
  rejected: Record<BucketKind, number>;
}

/**
 * The global subscription limits: 15 times one principal's, shared by every principal of the
 * subscription (learn.microsoft.com, "Understand how Azure Resource Manager throttles requests").
 */
export const ARM_GLOBAL_LIMITS: Readonly<Record<BucketKind, BucketLimits>> = Object.freeze({
  reads: { capacity: 15 * ARM_LIMITS.reads.capacity, refillPerSecond: 15 * ARM_LIMITS.reads.refillPerSecond },
  writes: { capacity: 15 * ARM_LIMITS.writes.capacity, refillPerSecond: 15 * ARM_LIMITS.writes.refillPerSecond },
});

/** The per-subscription read and write buckets. */
export class ArmThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private low: Record<BucketKind, number>;
  private rejections: Record<BucketKind, number> = { reads: 0, writes: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly limits: Record<BucketKind, BucketLimits> = { reads: { ...ARM_LIMITS.reads }, writes: { ...ARM_LIMITS.writes } },
  ) {
    this.low = { reads: limits.reads.capacity, writes: limits.writes.capacity };
  }

  /** Takes one token for a call, or says how long to wait when the bucket is empty. */
  take(subscriptionKey: string, kind: BucketKind): TakeResult {
    const bucket = this.refilled(subscriptionKey, kind);
    if (bucket.tokens < 1) {
      this.rejections[kind]++;
      this.low[kind] = 0;
      const rate = this.limits[kind].refillPerSecond;
      return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate)) };
    }
    bucket.tokens -= 1;
    const remaining = Math.floor(bucket.tokens);
    this.low[kind] = Math.min(this.low[kind], remaining);
    return { allowed: true, remaining };
  }

  /** Lowest remaining token count seen by any call since the last reset (0 if a 429 was issued). */
  minRemaining(kind?: BucketKind): number {
    return kind ? this.low[kind] : Math.min(this.low.reads, this.low.writes);
  }

  /** How many 429s the buckets issued since the last reset. */
  rejectedCount(kind?: BucketKind): number {
    return kind ? this.rejections[kind] : this.rejections.reads + this.rejections.writes;
  }

  /** Refills every bucket and forgets the statistics. */
  reset(): void {
    this.buckets.clear();
    this.low = { reads: this.limits.reads.capacity, writes: this.limits.writes.capacity };
    this.rejections = { reads: 0, writes: 0 };
  }

  /** The current state, with buckets refilled to the current clock time. */
  snapshot(): ThrottleSnapshot {
    const remaining: Record<string, Record<BucketKind, number>> = {};
    for (const key of this.buckets.keys()) {
      const [subscription, kind] = key.split("|") as [string, BucketKind];
      const entry = (remaining[subscription] ??= { reads: this.limits.reads.capacity, writes: this.limits.writes.capacity });
      entry[kind] = Math.floor(this.refilled(subscription, kind).tokens);
    }
    return { limits: this.limits, remaining, minRemaining: { ...this.low }, rejected: { ...this.rejections } };
  }

  private refilled(subscriptionKey: string, kind: BucketKind): Bucket {
    const key = `${subscriptionKey}|${kind}`;
    const now = this.clock.now();
    const { capacity, refillPerSecond } = this.limits[kind];
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(capacity, bucket.tokens + (elapsed / 1000) * refillPerSecond);
    bucket.updatedAt = now;
    return bucket;
  }
}
