/**
 * The pure parts of auto-rollout: the per-target debounce window (one leader, duplicates, a stale
 * window taken over) and the choice against the registry (tag moved on or back, missing, quarantined,
 * already running), plus the derived deploy id.
 */
import { describe, expect, it } from "vitest";
import type { Candidate, RepositoryManifest } from "../../../src/domain/autoRollout.js";
import { applyAutoRolloutOperation, emptyAutoRolloutRecord, type AutoRolloutRecord } from "../../../src/entities/autoRolloutRecord.js";
import { autoDeploymentId, chooseImage, isDeployTag, pushProblem, scanCandidate } from "../../../src/policies/autoRolloutChoice.js";

const D = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const AT = "2026-12-06T06:00:00.000Z";
const candidate = (tag: string, digest: string, seq = 0, timestamp = AT): Candidate => ({ tag, digest, timestamp, seq, eventIds: [`e-${tag}-${seq}`], sources: ["webhook"] });
const manifest = (digest: string, tags: string[], createdOn: string): RepositoryManifest => ({ digest, tags, createdOn, lastUpdatedOn: createdOn });

function arrive(record: AutoRolloutRecord, instanceId: string, c: Candidate, at = AT): { record: AutoRolloutRecord; result: unknown } {
  const { seq: _seq, ...rest } = c;
  const out = applyAutoRolloutOperation(record, "arrive", { instanceId, candidate: rest, at, staleAfterSeconds: 310 });
  return { record: out.record, result: out.result };
}

describe("debounce window", () => {
  it("the first push leads; others join, a repeat is a duplicate; closing hands over every push once", () => {
    let r = emptyAutoRolloutRecord();
    let out = arrive(r, "p1", candidate("v1", D(1)));
    expect(out.result).toEqual({ role: "leader" });
    out = arrive(out.record, "p2", candidate("v2", D(2)));
    expect(out.result).toEqual({ role: "coalesced", leader: "p1" });
    out = arrive(out.record, "p3", { ...candidate("v2", D(2)), eventIds: ["eg-1"], sources: ["eventGrid"] });
    expect(out.result).toEqual({ role: "duplicate", leader: "p1" });
    r = out.record;
    expect(r.decisions.map((d) => d.kind)).toEqual(["coalesced", "deduped"]);
    expect(applyAutoRolloutOperation(r, "closeWindow", { instanceId: "p2" }).result).toEqual({ candidates: [] });
    const closed = applyAutoRolloutOperation(r, "closeWindow", { instanceId: "p1" });
    expect((closed.result as { candidates: Candidate[] }).candidates.map((c) => [c.tag, c.seq, c.eventIds, c.sources])).toEqual([
      ["v1", 0, ["e-v1-0"], ["webhook"]],
      ["v2", 1, ["e-v2-0", "eg-1"], ["webhook", "eventGrid"]],
    ]);
    expect(closed.record.window).toBeUndefined();
    expect(arrive(closed.record, "p4", candidate("v3", D(3))).result).toEqual({ role: "leader" });
  });

  it("a window its leader never closed is taken over once it is stale", () => {
    const first = arrive(emptyAutoRolloutRecord(), "lost", candidate("v1", D(1)));
    const later = arrive(first.record, "p2", candidate("v2", D(2)), "2026-12-06T06:06:00.000Z");
    expect(later.result).toEqual({ role: "leader" });
    expect(later.record.window?.leader).toBe("p2");
  });

  it("keeps the newest 50 decisions; a scan decision repeated is kept once", () => {
    let r = emptyAutoRolloutRecord();
    for (let i = 0; i < 60; i++) r = applyAutoRolloutOperation(r, "record", { decisions: [{ at: AT, kind: "ignored", via: "webhook", reason: `r${i}` }] }).record;
    expect(r.decisions.map((d) => d.reason).slice(0, 1)).toEqual(["r10"]);
    expect(r.decisions).toHaveLength(50);
    const scan = { at: AT, kind: "ignored" as const, via: "scan" as const, digest: D(1), reason: "quarantined" };
    r = applyAutoRolloutOperation(r, "record", { decisions: [scan] }).record;
    r = applyAutoRolloutOperation(r, "record", { decisions: [{ ...scan, at: "2026-12-06T06:05:00.000Z" }] }).record;
    expect(r.decisions.filter((d) => d.via === "scan")).toHaveLength(1);
  });
});

describe("choice against the registry", () => {
  const policy = { kind: "any" as const };
  const facts = (manifests: RepositoryManifest[], extra: { runningDigest?: string; quarantined?: string[] } = {}) => ({ manifests, quarantined: extra.quarantined ?? [], ...(extra.runningDigest ? { runningDigest: extra.runningDigest } : {}) });

  it("deploys the pushed digest the tag still names", () => {
    const { choice, decisions } = chooseImage(policy, [candidate("v1", D(1))], facts([manifest(D(1), ["v1"], AT)]), AT);
    expect(choice).toEqual({ digest: D(1), tag: "v1", eventIds: ["e-v1-0"], sources: ["webhook"] });
    expect(decisions).toEqual([]);
  });

  it("a tag moved on to a newer image deploys that one; moved back to an older one is stale", () => {
    const newer = chooseImage(policy, [candidate("v1", D(1))], facts([manifest(D(1), [], AT), manifest(D(2), ["v1"], "2026-12-06T06:00:05.000Z")]), AT);
    expect(newer.choice).toEqual(expect.objectContaining({ digest: D(2), movedFrom: D(1) }));
    const older = chooseImage(policy, [candidate("v1", D(2))], facts([manifest(D(1), ["v1"], AT), manifest(D(2), [], "2026-12-06T06:00:05.000Z")]), AT);
    expect(older.choice).toBeUndefined();
    expect(older.decisions[0]?.reason).toContain("now names an older image");
  });

  it("falls back to the next newest when the newest cannot be confirmed; quarantined and running start nothing", () => {
    const both = [candidate("v1", D(1), 0), candidate("v2", D(9), 1, "2026-12-06T06:00:01.000Z")];
    const fallback = chooseImage(policy, both, facts([manifest(D(1), ["v1"], AT)]), AT);
    expect(fallback.choice?.digest).toBe(D(1));
    expect(fallback.decisions.map((d) => [d.tag, d.kind])).toEqual([["v2", "ignored"]]);
    expect(chooseImage(policy, [candidate("v1", D(1))], facts([manifest(D(1), ["v1"], AT)], { quarantined: [D(1)] }), AT).choice).toBeUndefined();
    const running = chooseImage(policy, [candidate("v1", D(1))], facts([manifest(D(1), ["v1"], AT)], { runningDigest: D(1) }), AT);
    expect([running.choice, running.decisions[0]?.reason]).toEqual([undefined, expect.stringContaining("already runs")]);
    expect(chooseImage(policy, [candidate("v1", D(1))], facts([manifest(D(1), ["v1"], AT)], { runningDigest: D(1) }), AT, true).decisions).toEqual([]);
  });

  it("pushes that can never qualify, the scan's candidate, and the derived id", () => {
    expect(pushProblem(policy, { digest: D(1), mediaType: "application/vnd.oci.image.manifest.v1+json" })).toContain("tagless push");
    expect(pushProblem(policy, { digest: D(1), tag: "deploy-dep-1" })).toContain("build's own deploy tag");
    expect(pushProblem(policy, { digest: "sha256:xxxx", tag: "v1" })).toContain("not a sha256 digest");
    expect(isDeployTag("deploy-")).toBe(false);
    expect(scanCandidate({ kind: "semver", pattern: ">=1.0.0" }, [manifest(D(1), ["1.2.0", "deploy-dep-9"], AT), manifest(D(2), ["1.10.0"], "2026-01-01T00:00:00Z")])?.tag).toBe("1.10.0");
    expect(autoDeploymentId("web", D(1))).toMatch(/^auto-[0-9a-f]{24}$/);
    expect(autoDeploymentId("web", D(1))).toBe(autoDeploymentId("web", D(1)));
    expect(autoDeploymentId("api", D(1))).not.toBe(autoDeploymentId("web", D(1)));
  });
});
