/**
 * Behaviour faults: what a new revision will do once created (become healthy, stay unhealthy until a
 * restart, never become healthy, fail to provision or to activate, or take custom times), and how it
 * reports it (no health probes, `Activating` while starting, scale to zero). Scenarios set them per
 * app ("the next revision will be") or per image string (so a bad digest stays bad across rollbacks).
 */
import { z } from "zod";
import type { SandboxDurations } from "../../kernel/types.js";

/** The outcome kinds a scenario can ask for; `slow` is `healthy` with custom durations. */
export const revisionBehaviourKinds = ["healthy", "unhealthyUntilRestarted", "neverHealthy", "provisioningFails", "activationFails", "slow"] as const;

/** One of {@link revisionBehaviourKinds}. */
export type RevisionBehaviourKind = (typeof revisionBehaviourKinds)[number];

/** Per-revision durations (ms) overriding the sandbox-wide `context.durations`. */
export interface RevisionDurations {
  /** Provisioning → Provisioned (or Failed). */
  provisioning: number;
  /** Provisioned → replicas started (Processing → Running). */
  activating: number;
  /** Running → health probes pass (healthState None → Healthy). */
  healthy: number;
}

/** A behaviour fault as scenarios write it (programmatically or as the JSON body of a control route). */
export interface RevisionBehaviour {
  kind: RevisionBehaviourKind;
  /** Overrides, in ms; unspecified ones come from `context.durations`. */
  durations?: Partial<RevisionDurations>;
  /** `provisioningFails`: the revision's `provisioningError` text. */
  message?: string;
  /**
   * False: the containers have no health probes, so `healthState` stays `None` and a replica is
   * ready as soon as it starts (default true: probes pass after `durations.healthy`).
   */
  healthProbes?: boolean;
  /** `runningState` while replicas start: `Processing` (default) or `Activating`, which Azure reports live but does not document. */
  startingState?: StartingRunningState;
  /**
   * True: with `template.scale.minReplicas` 0 (or unset) the revision runs no replica (0 replicas,
   * `healthState` None) and is not ready until a request to its host name wakes it; the woken
   * replica stays for the template's `scale.cooldownPeriod` (default 300 s) after the last request.
   */
  scaleToZero?: boolean;
}

/** `runningState` values a starting revision can report. */
export const startingRunningStates = ["Processing", "Activating"] as const;

/** One of {@link startingRunningStates}. */
export type StartingRunningState = (typeof startingRunningStates)[number];

/** What a revision actually does, fixed when it is created. */
export type RevisionOutcome = "healthy" | "unhealthyUntilRestarted" | "neverHealthy" | "provisioningFails" | "activationFails";

/** A behaviour resolved against the sandbox durations at revision creation. */
export interface ResolvedBehaviour {
  outcome: RevisionOutcome;
  durations: RevisionDurations;
  provisioningError: string;
  // Optional because a persistent sandbox may restore revisions saved before these existed; read them through hasHealthProbes/startingStateOf.
  healthProbes?: boolean;
  startingState?: StartingRunningState;
  scaleToZero?: boolean;
}

/** Whether the revision's containers have health probes (true unless a behaviour said otherwise). */
export function hasHealthProbes(behaviour: ResolvedBehaviour): boolean {
  return behaviour.healthProbes !== false;
}

/** The `runningState` a starting revision reports. */
export function startingStateOf(behaviour: ResolvedBehaviour): StartingRunningState {
  return behaviour.startingState ?? "Processing";
}

const durationSchema = z.number().int().min(0);

/** Validates a behaviour received as JSON. */
export const revisionBehaviourSchema = z.strictObject({
  kind: z.enum(revisionBehaviourKinds),
  durations: z
    .strictObject({ provisioning: durationSchema.optional(), activating: durationSchema.optional(), healthy: durationSchema.optional() })
    .optional(),
  message: z.string().min(1).optional(),
  healthProbes: z.boolean().optional(),
  startingState: z.enum(startingRunningStates).optional(),
  scaleToZero: z.boolean().optional(),
});

const defaultProvisioningError =
  "Failed to provision revision: the container image could not be started (sandbox behaviour fault 'provisioningFails').";

/** Turns a scenario behaviour into the outcome and durations a new revision will follow. */
export function resolveBehaviour(behaviour: RevisionBehaviour | undefined, defaults: SandboxDurations): ResolvedBehaviour {
  const kind = behaviour?.kind ?? "healthy";
  return {
    outcome: kind === "slow" ? "healthy" : kind,
    durations: {
      provisioning: behaviour?.durations?.provisioning ?? defaults.revisionProvisioning,
      activating: behaviour?.durations?.activating ?? defaults.revisionActivating,
      healthy: behaviour?.durations?.healthy ?? defaults.revisionHealthy,
    },
    provisioningError: behaviour?.message ?? defaultProvisioningError,
    healthProbes: behaviour?.healthProbes ?? true,
    startingState: behaviour?.startingState ?? "Processing",
    scaleToZero: behaviour?.scaleToZero ?? false,
  };
}
