/**
 * Registers every activity with the Functions host, each loaded on its first invocation
 * (./lazy.ts). The table is typed by the activity contracts (src/activities/contracts.ts), so an
 * activity added there does not compile until it is registered here. A new activity: export its
 * handler from its module as `<name>Activity` (no `df.app.activity` there) and add its line below.
 */
import type { ActivityHandler } from "durable-functions";
import * as df from "durable-functions";
import type { ActivityName } from "../../activities/contracts.js";
import { lazyActivity, type Loader } from "./lazy.js";

/** How one activity is registered: its loader, and whether it takes the durable client as an input. */
interface ActivityRegistration {
  load: Loader<ActivityHandler>;
  durableClient?: true;
}

const REGISTRATIONS: { [N in ActivityName]: ActivityRegistration } = {
  inspectTarget: { load: async () => (await import("../../activities/inspectTarget.js")).inspectTargetActivity },
  scheduleBuild: { load: async () => (await import("../../activities/scheduleBuild.js")).scheduleBuildActivity },
  getBuildRun: { load: async () => (await import("../../activities/getBuildRun.js")).getBuildRunActivity },
  checkBuildLog: { load: async () => (await import("../../activities/checkBuildLog.js")).checkBuildLogActivity },
  readBuildLogTail: { load: async () => (await import("../../activities/readBuildLogTail.js")).readBuildLogTailActivity },
  cancelBuildRun: { load: async () => (await import("../../activities/cancelBuildRun.js")).cancelBuildRunActivity },
  resolveDigest: { load: async () => (await import("../../activities/resolveDigest.js")).resolveDigestActivity },
  updateContainerApp: { load: async () => (await import("../../activities/updateContainerApp.js")).updateContainerAppActivity },
  readRevision: { load: async () => (await import("../../activities/readRevision.js")).readRevisionActivity },
  readAppState: { load: async () => (await import("../../activities/readAppState.js")).readAppStateActivity },
  readWriteOperation: { load: async () => (await import("../../activities/readWriteOperation.js")).readWriteOperationActivity },
  restartRevision: { load: async () => (await import("../../activities/restartRevision.js")).restartRevisionActivity },
  moveTraffic: { load: async () => (await import("../../activities/moveTraffic.js")).moveTrafficActivity },
  deactivateRevision: { load: async () => (await import("../../activities/deactivateRevision.js")).deactivateRevisionActivity },
  notifyDeployQueue: { load: async () => (await import("../../activities/notifyDeployQueue.js")).notifyDeployQueueActivity, durableClient: true },
  readInstanceStatus: { load: async () => (await import("../../activities/readInstanceStatus.js")).readInstanceStatusActivity, durableClient: true },
  stopWait: { load: async () => (await import("../../activities/stopWait.js")).stopWaitActivity, durableClient: true },
  startNotifications: { load: async () => (await import("../../activities/startNotifications.js")).startNotificationsActivity, durableClient: true },
  deliverNotification: { load: async () => (await import("../../activities/deliverNotification.js")).deliverNotificationActivity },
  readRepository: { load: async () => (await import("../../activities/readRepository.js")).readRepositoryActivity },
  startAutoDeploy: { load: async () => (await import("../../activities/startAutoDeploy.js")).startAutoDeployActivity, durableClient: true },
  reportBuild: { load: async () => (await import("../../activities/reportBuild.js")).reportBuildActivity },
  lintBuildContext: { load: async () => (await import("../../activities/lintBuildContext.js")).lintBuildContextActivity },
};

for (const [name, { load, durableClient }] of Object.entries(REGISTRATIONS)) {
  lazyActivity(name, load, durableClient ? { extraInputs: [df.input.durableClient()] } : {});
}
