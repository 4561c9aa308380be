/** Orchestration function names. */
export const ORCHESTRATIONS = {
  deploy: "deploy",
  waitForBuildRun: "waitForBuildRun",
  verifyRevision: "verifyRevision",
} as const;
