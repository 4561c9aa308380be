/**
 * Judges one snapshot of a new revision: passed, still pending, or failed. The orchestrator polls
 * (see pollSchedule) and calls this after each read; it is pure, taking `now` from
 * `context.df.currentUtcDateTime`. A revision passes only when every condition holds at once;
 * a hard failure (provisioning or running state Failed, the revision going away, or still
 * unhealthy after the warm-up grace) fails at once rather than waiting for the deadline.
 */

/** The fields of an ARM revision the verdict reads (timestamps as ISO strings). */
export interface RevisionState {
  name: string;
  provisioningState?: string;
  runningState?: string;
  healthState?: string;
  replicas?: number;
  active?: boolean;
  trafficWeight?: number;
  /** When Azure created the revision; the warm-up grace counts from here. */
  createdTime?: string;
  /** Platform error message, quoted in the reasons when present. */
  provisioningError?: string;
}

/** The app-level fields the verdict reads. */
export interface AppState {
  latestReadyRevisionName?: string;
  /** When set and not this revision, a newer revision has replaced it. */
  latestRevisionName?: string;
  activeRevisionsMode?: string;
}

/** Everything one verdict needs. */
export interface VerificationSnapshot {
  revision: RevisionState;
  app: AppState;
  /**
   * Expected traffic weight (percent). Single revision mode always expects 100. Undefined means the
   * app has no ingress, so traffic is not checked.
   */
  expectedTraffic: number | undefined;
  minReplicas: number;
  /** Smoke request result when a smoke path is configured; `status` undefined = no answer yet. */
  smoke?: { status: number | undefined; error?: string } | undefined;
  /** ISO timestamp of this evaluation. */
  now: string;
  warmupGraceSeconds: number;
  /** ISO timestamp after which unmet conditions fail verification. */
  verifyDeadline: string;
  /**
   * When the warm-up grace starts, if not at the revision's creation: after a restart the grace
   * counts again from the restart.
   */
  warmupFrom?: string;
  /**
   * Whether this revision must be the app's latest (and latest ready). True for a revision this
   * deploy created; false for an older revision a Multiple-mode rollback sends traffic back to.
   */
  mustBeLatest?: boolean;
}

/** passed: serve it; pending: poll again; failed: start the fallback plan. */
export type Verdict = "passed" | "pending" | "failed";

/** Stable codes for the conditions, for code that branches on them. */
export type VerificationCondition =
  | "provisioned"
  | "running"
  | "healthy"
  | "replicas"
  | "active"
  | "latest-ready"
  | "traffic"
  | "smoke"
  | "not-superseded"
  | "not-failed"
  | "deadline";

/** The verdict with human reasons (unmet conditions, or why it failed) and their codes. */
export interface RevisionVerdict {
  verdict: Verdict;
  reasons: string[];
  conditions: VerificationCondition[];
}

function parseTime(label: string, iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${label} is not an ISO timestamp: ${JSON.stringify(iso)}`);
  return ms;
}

function withError(reason: string, revision: RevisionState): string {
  return revision.provisioningError ? `${reason}: ${revision.provisioningError}` : reason;
}

/** Evaluates one snapshot of the new revision. */
export function judgeRevision(snapshot: VerificationSnapshot): RevisionVerdict {
  const { revision, app } = snapshot;
  const now = parseTime("now", snapshot.now);
  const deadline = parseTime("verifyDeadline", snapshot.verifyDeadline);
  const warmupStart = snapshot.warmupFrom ?? revision.createdTime;
  const created = warmupStart !== undefined ? parseTime(snapshot.warmupFrom !== undefined ? "warmupFrom" : "revision.createdTime", warmupStart) : undefined;
  const mustBeLatest = snapshot.mustBeLatest ?? true;
  // Without a creation time we cannot tell how long it has been up: treat it as still warming up.
  const inGrace = created === undefined || now - created < snapshot.warmupGraceSeconds * 1000;

  // Hard failures: no point waiting for the deadline.
  const fatal: string[] = [];
  const fatalCodes: VerificationCondition[] = [];
  if (revision.provisioningState === "Failed") {
    fatal.push(withError(`revision ${revision.name} failed to provision`, revision));
    fatalCodes.push("not-failed");
  }
  if (revision.runningState === "Failed") {
    fatal.push(withError(`revision ${revision.name} is in running state Failed`, revision));
    fatalCodes.push("not-failed");
  }
  if (revision.provisioningState === "Deprovisioning" || revision.provisioningState === "Deprovisioned") {
    fatal.push(`revision ${revision.name} is ${revision.provisioningState.toLowerCase()}`);
    fatalCodes.push("not-failed");
  }
  if (mustBeLatest && app.latestRevisionName !== undefined && app.latestRevisionName !== revision.name) {
    fatal.push(`a newer revision ${app.latestRevisionName} replaced ${revision.name}`);
    fatalCodes.push("not-superseded");
  }
  if (!inGrace && revision.healthState === "Unhealthy") {
    fatal.push(`revision ${revision.name} is still Unhealthy after the ${snapshot.warmupGraceSeconds}s warm-up grace`);
    fatalCodes.push("healthy");
  }
  if (!inGrace && revision.runningState === "Degraded") {
    fatal.push(`revision ${revision.name} is still Degraded after the ${snapshot.warmupGraceSeconds}s warm-up grace`);
    fatalCodes.push("running");
  }
  if (fatal.length > 0) return { verdict: "failed", reasons: fatal, conditions: [...new Set(fatalCodes)] };

  const unmet: string[] = [];
  const codes: VerificationCondition[] = [];
  const need = (ok: boolean, code: VerificationCondition, reason: string): void => {
    if (!ok) {
      unmet.push(reason);
      codes.push(code);
    }
  };
  need(revision.provisioningState === "Provisioned", "provisioned", `provisioning state is ${revision.provisioningState ?? "unknown"}, not Provisioned`);
  need(revision.runningState === "Running", "running", `running state is ${revision.runningState ?? "unknown"}, not Running`);
  need(revision.healthState === "Healthy", "healthy", `health state is ${revision.healthState ?? "unknown"}, not Healthy`);
  need((revision.replicas ?? 0) >= snapshot.minReplicas, "replicas", `${revision.replicas ?? 0} replica(s) running, need at least ${snapshot.minReplicas}`);
  need(revision.active === true, "active", "revision is not active");
  need(
    !mustBeLatest || app.latestReadyRevisionName === revision.name,
    "latest-ready",
    `latest ready revision is ${app.latestReadyRevisionName ?? "none"}, not ${revision.name}`,
  );
  if (snapshot.expectedTraffic !== undefined) {
    const expected = app.activeRevisionsMode === "Single" && mustBeLatest ? 100 : snapshot.expectedTraffic;
    need(revision.trafficWeight === expected, "traffic", `traffic weight is ${revision.trafficWeight ?? 0}%, expected ${expected}%`);
  }
  if (snapshot.smoke !== undefined) {
    const { status, error } = snapshot.smoke;
    need(
      status !== undefined && status >= 200 && status < 300,
      "smoke",
      status === undefined ? `smoke request has no answer yet${error ? ` (${error})` : ""}` : `smoke request answered ${status}, not 2xx`,
    );
  }

  if (unmet.length === 0) return { verdict: "passed", reasons: [], conditions: [] };
  if (now >= deadline) {
    return { verdict: "failed", reasons: [`verification deadline ${snapshot.verifyDeadline} passed`, ...unmet], conditions: ["deadline", ...codes] };
  }
  return { verdict: "pending", reasons: unmet, conditions: codes };
}
