/**
 * A revision's state as a pure function of time: no timers, the state at `now` is derived from when
 * the revision was created, when its current activation cycle began (restart/activate) and its
 * behaviour. Phases: provisioning → activating (replicas starting) → warming up (probes) → ready, or
 * Failed / Degraded depending on the behaviour.
 */
import type { ResolvedBehaviour } from "./behaviours.js";
import type { JsonObject } from "./json.js";
import { numberAt, objectAt } from "./json.js";

/** `provisioningState` values the sandbox produces (subset of Azure's enum). */
export type RevisionProvisioningState = "Provisioning" | "Provisioned" | "Failed";
/** `runningState` values the sandbox produces (subset of Azure's enum). */
export type RevisionRunningState = "Running" | "Processing" | "Stopped" | "Degraded" | "Failed";
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
}

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

/** When the current cycle becomes ready (Provisioned + Running + Healthy), or undefined if it never will. */
export function readyAt(revision: RevisionRecord): number | undefined {
  if (!revision.active || revision.behaviour.outcome === "provisioningFails" || !cycleHeals(revision)) return undefined;
  const { activating, healthy } = revision.behaviour.durations;
  return cycleStart(revision) + activating + healthy;
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
  const { activating, healthy } = revision.behaviour.durations;
  const start = cycleStart(revision);
  if (now < start + activating) return { provisioningState: "Provisioned", runningState: "Processing", healthState: "None", replicas: 0 };
  const replicas = runningReplicas(revision);
  const probesSettled = now >= start + activating + healthy;
  if (cycleHeals(revision)) {
    return { provisioningState: "Provisioned", runningState: "Running", healthState: probesSettled ? "Healthy" : "None", replicas };
  }
  // Replicas start but never pass their probes: Azure keeps them "Activating" until the progress deadline, then Degraded.
  return probesSettled
    ? { provisioningState: "Provisioned", runningState: "Degraded", healthState: "Unhealthy", replicas }
    : { provisioningState: "Provisioned", runningState: "Processing", healthState: "None", replicas };
}
