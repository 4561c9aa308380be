/** Orchestration function names. */
export const ORCHESTRATIONS = {
  deploy: "deploy",
  waitForBuildRun: "waitForBuildRun",
  verifyRevision: "verifyRevision",
  autoRolloutPush: "autoRolloutPush",
  autoRolloutScan: "autoRolloutScan",
} as const;

/** The suffix of a deploy's build wait instance (`<deploymentId>-build`). */
export const BUILD_WAIT_SUFFIX = "build";

/** The instance id of a deploy's child (a wait), fixed so a replay, and a push signal, address the same one. */
export function childInstanceId(deploymentId: string, suffix: string): string {
  return `${deploymentId}-${suffix}`;
}

/**
 * The external event that cancels a deploy. The orchestrator races it against each wait and checks
 * it between steps: a deploy canceled before its PATCH leaves the app alone (and cancels an in-flight
 * ACR run); one canceled after restores the last known good (see README, "Cancel").
 */
export const CANCEL_EVENT = "cancel";

/**
 * The external event that tells a deploy's build wait (`waitForBuildRun`, instance `<deploy>-build`)
 * that the registry reported a push of the deploy's own tag `deploy-<id>` (ACR webhook or Event Grid
 * `ImagePushed`). It is a hint: the wait confirms the run through ARM at once instead of at its next
 * poll, and keeps polling when no such event ever comes. Raised by `src/functions/signals/buildPushSignal.ts`.
 */
export const BUILD_PUSH_EVENT = "buildPushed";
