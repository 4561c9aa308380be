/**
 * A revision's state as a pure function of time: no timers, the state at `now` is derived from when
 * the revision was created, when its current activation cycle began (restart/activate) and its
 * behaviour. Phases: provisioning → activating (replicas starting) → warming up (probes) → ready, or
 * Failed / Degraded / ActivationFailed depending on the behaviour. A revision that scales to zero
 * skips the replica phases until a request wakes it (see {@link wakeOnRequest}).
 */
import { hasHealthProbes, startingStateOf, type ResolvedBehaviour } from "./behaviours.js";
import type { JsonObject } from "./json.js";
import { numberAt, objectAt } from "./json.js";

/** `provisioningState` values the sandbox produces (subset of Azure's enum). */
export type RevisionProvisioningState = "Provisioning" | "Provisioned" | "Failed";
/**
 * `runningState` values the sandbox produces: a subset of the REST spec's enum, plus `Activating`
 * and `ActivationFailed`, which Azure reports live without documenting them
 * (microsoft/azure-container-apps#1502, Azure/azure-rest-api-specs#29102).
 */
export type RevisionRunningState = "Running" | "Processing" | "Activating" | "Stopped" | "Degraded" | "Failed" | "ActivationFailed";
/** `healthState` values (Azure's full enum). */
export type RevisionHealthState = "Healthy" | "Unhealthy" | "None";

/** One revision as the sandbox remembers it. */
export interface RevisionRecord {
  name: string;
  suffix: string;
  /** Normalized template (defaults filled in, no `revisionSuffix`), as on Azure's revision resource. */
  template: JsonObject;
  createdAt: number;
  behaviour: ResolvedBehaviour;
  /** Explicit active flag (activate/deactivate, Single-mode hand-over). */
  active: boolean;
  /** Start of the current activation cycle (restart or activate); undefined = right after provisioning. */
  cycleStartedAt?: number;
  restarts: number;
  /** When the revision last stopped being active (meaningful only while inactive). */
  inactiveSince: number;
  /** The current cycle's "became ready" event has been applied to the app (latestReady, Single hand-over). */
  readinessApplied: boolean;
  /** Scale to zero: when a request last woke the revision from zero replicas. */
  wokenAt?: number;
  /** Scale to zero: the last request it served; its replica stays for the cooldown after it. */
  lastRequestAt?: number;
}

/** KEDA's cooldown before the last replica goes away, when the template sets no `scale.cooldownPeriod` (Azure's documented default). */
export const DEFAULT_COOLDOWN_SECONDS = 300;

/** The time-dependent part of a revision resource. */
export interface RevisionStatus {
  provisioningState: RevisionProvisioningState;
  runningState: RevisionRunningState;
  healthState: RevisionHealthState;
  replicas: number;
  provisioningError?: string;
}

/** When provisioning ends (Provisioned or Failed). */
export function provisionedAt(revision: RevisionRecord): number {
  return revision.createdAt + revision.behaviour.durations.provisioning;
}

function cycleStart(revision: RevisionRecord): number {
  return Math.max(revision.cycleStartedAt ?? 0, provisionedAt(revision));
}

/** Whether the current cycle ends healthy: `unhealthyUntilRestarted` heals only after a restart. */
function cycleHeals(revision: RevisionRecord): boolean {
  const { outcome } = revision.behaviour;
  return outcome === "healthy" || (outcome === "unhealthyUntilRestarted" && revision.restarts > 0);
}

/** Whether the revision runs no replica until a request arrives: its behaviour says so and its template allows 0 replicas. */
export function scalesToZero(revision: RevisionRecord): boolean {
  return revision.behaviour.scaleToZero === true && (numberAt(objectAt(revision.template, "scale"), "minReplicas") ?? 0) === 0;
}

/** Whether a revision that scales to zero has a woken replica at `now` (this cycle, within the cooldown after its last request). */
function awake(revision: RevisionRecord, now: number): boolean {
  if (revision.wokenAt === undefined || revision.wokenAt < cycleStart(revision)) return false;
  const cooldownSeconds = numberAt(objectAt(revision.template, "scale"), "cooldownPeriod") ?? DEFAULT_COOLDOWN_SECONDS;
  return now < (revision.lastRequestAt ?? revision.wokenAt) + cooldownSeconds * 1000;
}

/**
 * A request reached the revision's host name. A revision scaled to zero starts a replica; the
 * request waits for it (as Azure's ingress holds it), so the sandbox counts the replica ready at
 * once. Returns whether the revision was woken by this request.
 */
export function wakeOnRequest(revision: RevisionRecord, now: number): boolean {
  if (!scalesToZero(revision) || !revision.active || now < provisionedAt(revision) || !cycleHeals(revision)) return false;
  const wasAwake = awake(revision, now);
  revision.lastRequestAt = now;
  if (wasAwake) return false;
  revision.wokenAt = now;
  revision.readinessApplied = false;
  return true;
}

/** When the current cycle becomes ready (Provisioned + Running + Healthy), or undefined if it never will. */
export function readyAt(revision: RevisionRecord): number | undefined {
  const { outcome, durations } = revision.behaviour;
  const healthProbes = hasHealthProbes(revision.behaviour);
  if (!revision.active || outcome === "provisioningFails" || outcome === "activationFails" || !cycleHeals(revision)) return undefined;
  if (scalesToZero(revision)) return revision.wokenAt !== undefined && revision.wokenAt >= cycleStart(revision) ? revision.wokenAt : undefined;
  // Without probes a replica is ready as soon as its containers start (Azure's definition of a ready replica).
  return cycleStart(revision) + durations.activating + (healthProbes ? durations.healthy : 0);
}

/** Replicas a running revision reports: its scale minimum, at least one. */
function runningReplicas(revision: RevisionRecord): number {
  return Math.max(1, numberAt(objectAt(revision.template, "scale"), "minReplicas") ?? 0);
}

/** The revision's provisioning/running/health state and replica count at `now`. */
export function revisionStatusAt(revision: RevisionRecord, now: number): RevisionStatus {
  if (now < provisionedAt(revision)) {
    return { provisioningState: "Provisioning", runningState: "Processing", healthState: "None", replicas: 0 };
  }
  if (revision.behaviour.outcome === "provisioningFails") {
    return {
      provisioningState: "Failed",
      runningState: "Failed",
      healthState: "None",
      replicas: 0,
      provisioningError: revision.behaviour.provisioningError,
    };
  }
  if (!revision.active) return { provisioningState: "Provisioned", runningState: "Stopped", healthState: "None", replicas: 0 };
  const { durations, outcome } = revision.behaviour;
  const healthProbes = hasHealthProbes(revision.behaviour);
  const startingState = startingStateOf(revision.behaviour);
  const { activating, healthy } = durations;
  const start = cycleStart(revision);
  if (scalesToZero(revision) && cycleHeals(revision)) {
    // No replica runs until a request wakes one; with nothing to probe, the health state is None.
    return awake(revision, now)
      ? { provisioningState: "Provisioned", runningState: "Running", healthState: healthProbes ? "Healthy" : "None", replicas: 1 }
      : { provisioningState: "Provisioned", runningState: "Running", healthState: "None", replicas: 0 };
  }
  if (now < start + activating) return { provisioningState: "Provisioned", runningState: startingState, healthState: "None", replicas: 0 };
  if (outcome === "activationFails") return { provisioningState: "Provisioned", runningState: "ActivationFailed", healthState: "None", replicas: 0 };
  const replicas = runningReplicas(revision);
  const probesSettled = now >= start + activating + healthy;
  if (cycleHeals(revision)) {
    // Without probes there is nothing to report: Azure's health state stays None.
    return { provisioningState: "Provisioned", runningState: "Running", healthState: healthProbes && probesSettled ? "Healthy" : "None", replicas };
  }
  // Replicas start but never pass their probes: Azure keeps them starting until the progress deadline, then Degraded.
  return probesSettled
    ? { provisioningState: "Provisioned", runningState: "Degraded", healthState: "Unhealthy", replicas }
    : { provisioningState: "Provisioned", runningState: startingState, healthState: "None", replicas };
}
