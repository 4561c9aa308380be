/** The orchestration that delivers one event of one deploy (`src/orchestrations/notifyDeploy.ts`). */
export const NOTIFY_ORCHESTRATION = "notifyDeploy";
