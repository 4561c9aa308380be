/** Orchestration function names. */
export const ORCHESTRATIONS = {
  deploy: "deploy",
  waitForBuildRun: "waitForBuildRun",
  verifyRevision: "verifyRevision",
} as const;

/**
 * The external event that cancels a deploy. The orchestrator races it against each wait and checks
 * it between steps: a deploy canceled before its PATCH leaves the app alone (and cancels an in-flight
 * ACR run); one canceled after restores the last known good (see README, "Cancel").
 */
export const CANCEL_EVENT = "cancel";
