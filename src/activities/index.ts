/**
 * Registers every deploy activity with the Functions host: import this module (for its side
 * effects) from the module that registers the deploy orchestration.
 */
import "./inspectTarget.js";
import "./scheduleBuild.js";
import "./getBuildRun.js";
import "./readBuildLogTail.js";
import "./checkBuildLog.js";
import "./cancelBuildRun.js";
import "./resolveDigest.js";
import "./updateContainerApp.js";
import "./readRevision.js";
import "./readAppState.js";
import "./readWriteOperation.js";
import "./restartRevision.js";
import "./moveTraffic.js";
import "./deactivateRevision.js";
import "./notifyDeployQueue.js";
import "./readInstanceStatus.js";
import "./stopWait.js";
import "./startNotifications.js";
import "./deliverNotification.js";
import "./readRepository.js";
import "./startAutoDeploy.js";
import "./reportBuild.js";
import "./lintBuildContext.js";
