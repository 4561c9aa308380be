/**
 * Judges one snapshot of a new revision: passed, still pending, or failed. The orchestrator polls
 * (see pollSchedule) and calls this after each read; it is pure, taking `now` from
 * `context.df.currentUtcDateTime`. A hard failure (provisioning or running state Failed, the
 * revision going away, or still unhealthy after the warm-up grace) fails at once rather than
 * waiting for the deadline.
 *
 * Readiness follows Azure's own definition: "a new revision is considered ready when one of its
 * replicas starts and becomes ready; a replica is ready when all of its containers start and pass
 * their startup and readiness probes" (learn.microsoft.com/azure/container-apps/application-lifecycle-management).
 * So one ready replica is enough, `healthState: None` (no probe results) is proven by a passing
 * smoke request or by Azure naming the revision latest ready, and with `minReplicas: 0` the smoke
 * request is what wakes and proves a revision that scaled to zero. The README's verdict table
 * lists every combination with its source.
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
  /** The app's `template.scale.minReplicas`; 0 means it may scale to zero. One ready replica is enough otherwise. */
  minReplicas: number;
  /**
   * Present exactly when a smoke path is configured: the smoke request's result, `status` undefined
   * when it had no answer (or was not sent yet, with the reason in `error`).
   */
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

/**
 * Running states that mean the revision's replicas run. `RunningAtMaxScale` is not in the REST
 * spec's enum but is reported live (Azure/azure-rest-api-specs#29102).
 */
export const RUNNING_STATES: readonly string[] = ["Running", "RunningAtMaxScale"];
/**
 * Running states that end a revision. `ActivationFailed` is not in the REST spec's enum but is
 * reported live, e.g. after a volume mount failure (Azure/azure-rest-api-specs#29102).
 */
export const FAILED_RUNNING_STATES: readonly string[] = ["Failed", "ActivationFailed"];

/** A traffic weight as the verdict compares it: ARM omits a zero weight, so absent means 0. */
export function weightOf(revision: Pick<RevisionState, "trafficWeight">): number {
  return revision.trafficWeight ?? 0;
}

/** Whether a smoke result is a 2xx answer. */
function smokePassed(smoke: VerificationSnapshot["smoke"]): boolean {
  return smoke?.status !== undefined && smoke.status >= 200 && smoke.status < 300;
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
  if (revision.runningState !== undefined && FAILED_RUNNING_STATES.includes(revision.runningState)) {
    fatal.push(withError(`revision ${revision.name} is in running state ${revision.runningState}`, revision));
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
  const smokeConfigured = snapshot.smoke !== undefined;
  const smokeOk = smokePassed(snapshot.smoke);
  const replicas = revision.replicas ?? 0;
  const namedLatestReady = app.latestReadyRevisionName === revision.name;
  // Scaled to zero: nothing runs until a request arrives, so the smoke request wakes the revision and its answer proves it.
  const wokenFromZero = snapshot.minReplicas === 0 && replicas === 0 && smokeOk;

  need(revision.provisioningState === "Provisioned", "provisioned", `provisioning state is ${revision.provisioningState ?? "unknown"}, not Provisioned`);
  need(
    (revision.runningState !== undefined && RUNNING_STATES.includes(revision.runningState)) || wokenFromZero,
    "running",
    revision.runningState === "Activating" || revision.runningState === "Processing"
      ? `running state is ${revision.runningState}: its replicas are still starting`
      : `running state is ${revision.runningState ?? "unknown"}, not Running`,
  );
  const healthOk =
    revision.healthState === "Healthy" ||
    // None: no probe results (no probes, or none reported yet). Proven by our own request, or by Azure naming it latest ready.
    (revision.healthState === "None" && (smokeConfigured ? smokeOk : mustBeLatest && namedLatestReady));
  need(
    healthOk,
    "healthy",
    revision.healthState === "None"
      ? smokeConfigured
        ? "health state is None and the smoke request has not passed yet"
        : "health state is None and Azure does not report the revision ready yet"
      : `health state is ${revision.healthState ?? "unknown"}, not Healthy`,
  );
  need(
    replicas >= 1 || (snapshot.minReplicas === 0 && (smokeConfigured ? smokeOk : revision.healthState === "Healthy")),
    "replicas",
    snapshot.minReplicas === 0
      ? `0 replicas running (the app scales to zero)${smokeConfigured ? " and the smoke request has not woken it yet" : "; set a smokePath so a request wakes and proves it"}`
      : `${replicas} replica(s) running, need at least 1`,
  );
  need(revision.active === true, "active", "revision is not active");
  need(!mustBeLatest || namedLatestReady, "latest-ready", `latest ready revision is ${app.latestReadyRevisionName ?? "none"}, not ${revision.name}`);
  if (snapshot.expectedTraffic !== undefined) {
    const expected = app.activeRevisionsMode === "Single" && mustBeLatest ? 100 : snapshot.expectedTraffic;
    need(weightOf(revision) === expected, "traffic", `traffic weight is ${weightOf(revision)}%, expected ${expected}%`);
  }
  if (snapshot.smoke !== undefined) {
    const { status, error } = snapshot.smoke;
    need(smokeOk, "smoke", status === undefined ? `smoke request has no answer yet${error ? ` (${error})` : ""}` : `smoke request answered ${status}, not 2xx`);
  }

  if (unmet.length === 0) return { verdict: "passed", reasons: [], conditions: [] };
  if (now >= deadline) {
    return { verdict: "failed", reasons: [`verification deadline ${snapshot.verifyDeadline} passed`, ...unmet], conditions: ["deadline", ...codes] };
  }
  return { verdict: "pending", reasons: unmet, conditions: codes };
}
