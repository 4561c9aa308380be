import { describe, expect, it } from "vitest";
import { ACTIVITIES, type ActivityContracts, type ActivityName } from "../../src/activities/contracts.js";
import { cancelBuildRun } from "../../src/activities/cancelBuildRun.js";
import { deactivateRevision } from "../../src/activities/deactivateRevision.js";
import { getBuildRun } from "../../src/activities/getBuildRun.js";
import { inspectTarget } from "../../src/activities/inspectTarget.js";
import { moveTraffic } from "../../src/activities/moveTraffic.js";
import { notifyDeployQueue } from "../../src/activities/notifyDeployQueue.js";
import { readBuildLogTail } from "../../src/activities/readBuildLogTail.js";
import { readInstanceStatus } from "../../src/activities/readInstanceStatus.js";
import { readRevision } from "../../src/activities/readRevision.js";
import { resolveDigest } from "../../src/activities/resolveDigest.js";
import { restartRevision } from "../../src/activities/restartRevision.js";
import { scheduleBuild } from "../../src/activities/scheduleBuild.js";
import { stopWait } from "../../src/activities/stopWait.js";
import { updateContainerApp } from "../../src/activities/updateContainerApp.js";

/**
 * The activity side of the contract registry: each activity function must take its contract's input
 * and return its contract's output (further parameters are the services it is given). The check is
 * `satisfies`, so a mismatch fails `tsc --noEmit`; the orchestration side takes its types from the
 * same registry in `src/orchestrations/calls.ts`.
 */
type Implementations = { [N in ActivityName]: (input: ActivityContracts[N]["input"], ...services: never[]) => Promise<ActivityContracts[N]["output"]> };

const implementations = {
  inspectTarget,
  scheduleBuild,
  getBuildRun,
  readBuildLogTail,
  cancelBuildRun,
  resolveDigest,
  updateContainerApp,
  readRevision,
  restartRevision,
  moveTraffic,
  deactivateRevision,
  notifyDeployQueue,
  readInstanceStatus,
  stopWait,
} satisfies Implementations;

describe("activity contracts", () => {
  it("list every registered activity name once, with its implementation", () => {
    expect(Object.keys(implementations).sort()).toEqual(Object.values(ACTIVITIES).sort());
  });
});
