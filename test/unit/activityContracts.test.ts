import { describe, expect, it } from "vitest";
import { ACTIVITIES, type ActivityContracts, type ActivityName } from "../../src/activities/contracts.js";
import type { cancelBuildRun } from "../../src/activities/cancelBuildRun.js";
import type { checkBuildLog } from "../../src/activities/checkBuildLog.js";
import type { deactivateRevision } from "../../src/activities/deactivateRevision.js";
import type { getBuildRun } from "../../src/activities/getBuildRun.js";
import type { inspectTarget } from "../../src/activities/inspectTarget.js";
import type { moveTraffic } from "../../src/activities/moveTraffic.js";
import type { notifyDeployQueue } from "../../src/activities/notifyDeployQueue.js";
import type { readBuildLogTail } from "../../src/activities/readBuildLogTail.js";
import type { readInstanceStatus } from "../../src/activities/readInstanceStatus.js";
import type { readAppState } from "../../src/activities/readAppState.js";
import type { readRevision } from "../../src/activities/readRevision.js";
import type { readWriteOperation } from "../../src/activities/readWriteOperation.js";
import type { reportBuild } from "../../src/activities/reportBuild.js";
import type { lintBuildContext } from "../../src/activities/lintBuildContext.js";
import type { resolveDigest } from "../../src/activities/resolveDigest.js";
import type { restartRevision } from "../../src/activities/restartRevision.js";
import type { scheduleBuild } from "../../src/activities/scheduleBuild.js";
import type { stopWait } from "../../src/activities/stopWait.js";
import type { startNotifications } from "../../src/activities/startNotifications.js";
import type { deliverNotification } from "../../src/activities/deliverNotification.js";
import type { readRepository } from "../../src/activities/readRepository.js";
import type { startAutoDeploy } from "../../src/activities/startAutoDeploy.js";
import type { updateContainerApp } from "../../src/activities/updateContainerApp.js";

/**
 * The activity side of the contract registry: each activity function must take its contract's input
 * and return its contract's output (further parameters are the services it is given). The check is
 * a type constraint (the modules are imported as types only, so nothing registers), so a mismatch
 * fails `tsc --noEmit`; the orchestration side takes its types from the same registry in
 * `src/orchestrations/calls.ts`.
 */
type Implementations = { [N in ActivityName]: (input: ActivityContracts[N]["input"], ...services: never[]) => Promise<ActivityContracts[N]["output"]> };

/** Fails to compile when an activity does not match its contract, or one is missing. */
type Checked<T extends Implementations> = T;
export type ActivityImplementations = Checked<{
  inspectTarget: typeof inspectTarget;
  scheduleBuild: typeof scheduleBuild;
  getBuildRun: typeof getBuildRun;
  readBuildLogTail: typeof readBuildLogTail;
  checkBuildLog: typeof checkBuildLog;
  cancelBuildRun: typeof cancelBuildRun;
  resolveDigest: typeof resolveDigest;
  updateContainerApp: typeof updateContainerApp;
  readRevision: typeof readRevision;
  readAppState: typeof readAppState;
  readWriteOperation: typeof readWriteOperation;
  restartRevision: typeof restartRevision;
  moveTraffic: typeof moveTraffic;
  deactivateRevision: typeof deactivateRevision;
  readRepository: typeof readRepository;
  startAutoDeploy: typeof startAutoDeploy;
  reportBuild: typeof reportBuild;
  lintBuildContext: typeof lintBuildContext;
  notifyDeployQueue: typeof notifyDeployQueue;
  readInstanceStatus: typeof readInstanceStatus;
  stopWait: typeof stopWait;
  startNotifications: typeof startNotifications;
  deliverNotification: typeof deliverNotification;
}>;

/** Every contract name, listed once (the mapped type makes the list exhaustive). */
const implemented: Record<keyof ActivityImplementations, true> = {
  inspectTarget: true,
  scheduleBuild: true,
  getBuildRun: true,
  readBuildLogTail: true,
  checkBuildLog: true,
  cancelBuildRun: true,
  resolveDigest: true,
  updateContainerApp: true,
  readRevision: true,
  readAppState: true,
  readWriteOperation: true,
  restartRevision: true,
  moveTraffic: true,
  deactivateRevision: true,
  notifyDeployQueue: true,
  readInstanceStatus: true,
  stopWait: true,
  startNotifications: true,
  deliverNotification: true,
  readRepository: true,
  startAutoDeploy: true,
  reportBuild: true,
  lintBuildContext: true,
};

describe("activity contracts", () => {
  it("list every registered activity name once, with its implementation", () => {
    expect(Object.keys(implemented).sort()).toEqual(Object.values(ACTIVITIES).sort());
  });
});
