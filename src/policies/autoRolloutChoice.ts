/**
 * Auto-rollout's decisions, pure: whether a push can be a candidate at all, which candidate of a
 * window (or of the scan) to deploy once the registry has been read, and the deploy id that makes a
 * duplicate start nothing new. The orchestrations call these; every read and start is an activity.
 *
 * A push is a hint, never trusted blindly (issue 11; Keel deploys tags that do not exist, keel #347,
 * #620): the registry's data plane is the truth. The tag must still name the pushed digest, or a newer
 * one (then that one deploys); a digest the registry does not have starts nothing.
 */
import { createHash } from "node:crypto";
import type { AutoRolloutDecision, Candidate, PushSource, RegistryPush, RepositoryManifest } from "../domain/autoRollout.js";
import { DEPLOYMENT_ID_PATTERN } from "../domain/deployment.js";
import { DIGEST_PATTERN } from "../domain/imageReference.js";
import type { TagPolicy } from "../domain/target.js";
import { downgradeProblem, newestFirst, tagVerdict } from "./tagPolicy.js";

/**
 * The deploy id for `digest` on target `targetName`: `auto-` + 24 hex digits of sha256. Derived, not
 * drawn, so a redelivered event, the same push through the webhook and Event Grid, and the scan
 * finding it again all name one deploy, and the second start finds the first (Keel deploys twice, keel #263).
 */
export function autoDeploymentId(targetName: string, digest: string): string {
  return `auto-${createHash("sha256").update(`auto-rollout\n${targetName}\n${digest}`, "utf8").digest("hex").slice(0, 24)}`;
}

/** Whether `tag` is a build's own `deploy-<id>` tag (it ends a build wait; it never starts a deploy). */
export function isDeployTag(tag: string): boolean {
  return tag.startsWith("deploy-") && DEPLOYMENT_ID_PATTERN.test(tag.slice("deploy-".length));
}

/**
 * Why a push cannot become a candidate for a target with `policy`, before any registry read, or
 * undefined when it can. A tagless push is a per-platform child of a multi-arch index (or an untagged
 * push): the index's own tagged push is what deploys.
 */
export function pushProblem(policy: TagPolicy, push: Pick<RegistryPush, "tag" | "mediaType" | "digest">): string | undefined {
  // The docs' reference payloads mask digests ("sha256:xxxx…"): no registry can hold such an image.
  if (!DIGEST_PATTERN.test(push.digest)) return `digest ${push.digest} is not a sha256 digest: no image in a registry has it, so nothing starts`;
  if (push.tag === undefined || push.tag === "") {
    return `tagless push${push.mediaType ? ` of a ${push.mediaType}` : ""}: a per-platform child of a multi-arch image or an untagged push; the tagged index is what deploys`;
  }
  if (isDeployTag(push.tag)) return `tag ${push.tag} is a build's own deploy tag; it ends that deploy's build wait and starts nothing`;
  const verdict = tagVerdict(policy, push.tag);
  return verdict.qualifies ? undefined : verdict.reason;
}

/** What the registry and the app say, read by activities just before choosing. */
export interface ChoiceFacts {
  manifests: readonly RepositoryManifest[];
  /** The digest the target's app runs now, when known. */
  runningDigest?: string;
  /** Digests quarantined for the target's app. */
  quarantined: readonly string[];
}

/** The image to deploy and what led to it. */
export interface Choice {
  digest: string;
  tag: string;
  eventIds: string[];
  sources: PushSource[];
  /** The pushed digest, when the tag had moved on to a newer one (which is `digest`). */
  movedFrom?: string;
}

const short = (digest: string): string => (DIGEST_PATTERN.test(digest) ? `${digest.slice(0, 19)}…` : digest);

/**
 * Picks the newest qualifying candidate that the registry confirms, with one decision per candidate
 * it passes over. Candidates are tried newest first; the first confirmed one is chosen, unless the
 * app already runs it (then nothing deploys: what is newest is running). `via` names the channel for
 * the decisions (`scan`, or the candidate's first source).
 */
export function chooseImage(policy: TagPolicy, candidates: readonly Candidate[], facts: ChoiceFacts, at: string, scan = false): { choice?: Choice; decisions: AutoRolloutDecision[] } {
  const decisions: AutoRolloutDecision[] = [];
  const byDigest = new Map(facts.manifests.map((m) => [m.digest, m]));
  const tagged = new Map<string, RepositoryManifest>();
  for (const manifest of facts.manifests) for (const tag of manifest.tags) tagged.set(tag, manifest);
  const runningTags = facts.runningDigest !== undefined ? (byDigest.get(facts.runningDigest)?.tags ?? []) : [];

  for (const candidate of newestFirst(policy, candidates)) {
    const via = scan ? "scan" : (candidate.sources[0] ?? "webhook");
    const ignore = (reason: string, digest = candidate.digest): void => {
      decisions.push({ at, kind: "ignored", via, tag: candidate.tag, digest, ...eventOf(candidate), reason });
    };
    const pushed = byDigest.get(candidate.digest);
    if (!DIGEST_PATTERN.test(candidate.digest) || pushed === undefined) {
      ignore(`digest ${short(candidate.digest)} is not in the registry: nothing starts for an image that does not exist`);
      continue;
    }
    const current = tagged.get(candidate.tag);
    if (current === undefined) {
      ignore(`tag ${candidate.tag} no longer exists in the registry`);
      continue;
    }
    let digest = candidate.digest;
    let movedFrom: string | undefined;
    if (current.digest !== candidate.digest) {
      if (Date.parse(current.createdOn) < Date.parse(pushed.createdOn)) {
        ignore(`tag ${candidate.tag} now names an older image (${short(current.digest)}); this push is stale`);
        continue;
      }
      movedFrom = candidate.digest;
      digest = current.digest;
    }
    if (facts.quarantined.includes(digest)) {
      ignore(`digest ${short(digest)} is quarantined for this app (lift it with DELETE /api/targets/{name}/quarantine/{digest})`, digest);
      continue;
    }
    const downgrade = downgradeProblem(policy, candidate.tag, runningTags);
    if (downgrade !== undefined) {
      ignore(downgrade, digest);
      continue;
    }
    if (facts.runningDigest === digest) {
      // Not recorded for the scan: every tick would add one while everything is current.
      if (!scan) ignore(`the app already runs ${short(digest)}`, digest);
      return { decisions };
    }
    return { choice: { digest, tag: candidate.tag, eventIds: candidate.eventIds, sources: candidate.sources, ...(movedFrom !== undefined ? { movedFrom } : {}) }, decisions };
  }
  return { decisions };
}

function eventOf(candidate: Candidate): { eventId?: string } {
  const last = candidate.eventIds[candidate.eventIds.length - 1];
  return last !== undefined ? { eventId: last } : {};
}

/**
 * The scan's candidate: the newest tag of the repository that the policy takes (never a `deploy-`
 * tag), with the manifest it names; undefined when no tag qualifies.
 */
export function scanCandidate(policy: TagPolicy, manifests: readonly RepositoryManifest[]): Candidate | undefined {
  const tags: Candidate[] = [];
  for (const manifest of manifests) {
    for (const tag of manifest.tags) {
      if (isDeployTag(tag) || !tagVerdict(policy, tag).qualifies) continue;
      tags.push({ tag, digest: manifest.digest, timestamp: manifest.lastUpdatedOn, seq: 0, eventIds: [], sources: [] });
    }
  }
  return newestFirst(policy, tags)[0];
}
