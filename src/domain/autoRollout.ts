/**
 * Auto-rollout's vocabulary: a registry push as aca-rollout reads it (whatever carried it), a
 * candidate image, and the decisions kept per target. Plain JSON: these cross the Durable history.
 */

/** Which channel reported a push. */
export type PushSource = "webhook" | "eventGrid";

/**
 * A push reported by the ACR webhook or an Event Grid `ImagePushed` event. `loginServer` is the
 * payload's `request.host`, lowercased (ARM names are case-insensitive); `tag` is absent for a
 * tagless push (e.g. the per-platform children of a multi-arch index).
 */
export interface RegistryPush {
  source: PushSource;
  /** The event's id (webhook `id`, Event Grid `id`); the same push through both channels has one each. */
  eventId: string;
  /** When the registry says the push happened (ISO 8601, as sent). */
  timestamp: string;
  loginServer: string;
  repository: string;
  tag?: string;
  digest: string;
  mediaType?: string;
}

/** What led to a candidate image: the pushes (oldest first) or the scan. */
export interface Candidate {
  tag: string;
  /** The digest the push named (or the scan found). */
  digest: string;
  /** The registry's own time for it (push timestamp, or the manifest's last update for the scan). */
  timestamp: string;
  /** Arrival order inside its window; breaks timestamp ties (later arrival is newer). */
  seq: number;
  eventIds: string[];
  sources: PushSource[];
}

/** Kinds of decision auto-rollout records. */
export const DECISION_KINDS = ["started", "ignored", "deduped", "coalesced", "foundByScan"] as const;

/** One of {@link DECISION_KINDS}. */
export type DecisionKind = (typeof DECISION_KINDS)[number];

/** One decision about a push or a scan finding, kept per target (newest last) and logged. */
export interface AutoRolloutDecision {
  /** Orchestration time of the decision (ISO). */
  at: string;
  kind: DecisionKind;
  /** What reported it: `webhook`, `eventGrid` or `scan`. */
  via: PushSource | "scan";
  tag?: string;
  digest?: string;
  eventId?: string;
  /** The deploy started, or the existing one a duplicate maps to. */
  deploymentId?: string;
  /** Why, in plain words. */
  reason: string;
}

/** A debounce window is taken over when its leader has not closed it this long after the window should have ended. */
export function staleAfterSeconds(debounceSeconds: number): number {
  return debounceSeconds + 300;
}

/** How many decisions a target keeps. */
export const MAX_DECISIONS = 50;

/** A manifest of the target's repository as the registry's data plane lists it. */
export interface RepositoryManifest {
  digest: string;
  tags: string[];
  /** ISO times from the registry (`createdOn`, `lastUpdatedOn`). */
  createdOn: string;
  lastUpdatedOn: string;
}
