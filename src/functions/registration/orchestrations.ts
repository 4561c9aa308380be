/**
 * Registers every orchestration with the Functions host, each generator function loaded before its
 * first invocation (./lazy.ts: the preInvocation hook imports it, the durable library then drives it
 * as before). A new orchestration: export its generator function from its module (no
 * `df.app.orchestration` there) and add its line below.
 */
import { NOTIFY_ORCHESTRATION } from "../../domain/notifyOrchestration.js";
import { ORCHESTRATIONS } from "../../orchestrations/names.js";
import { lazyOrchestration } from "./lazy.js";

lazyOrchestration(ORCHESTRATIONS.deploy, async () => (await import("../../orchestrations/deploy.js")).deployOrchestrator);
lazyOrchestration(ORCHESTRATIONS.waitForBuildRun, async () => (await import("../../orchestrations/waitForBuildRun.js")).waitForBuildRunOrchestrator);
lazyOrchestration(ORCHESTRATIONS.verifyRevision, async () => (await import("../../orchestrations/verifyRevision.js")).verifyRevisionOrchestrator);
lazyOrchestration(NOTIFY_ORCHESTRATION, async () => (await import("../../orchestrations/notifyDeploy.js")).notifyDeployOrchestrator);
lazyOrchestration(ORCHESTRATIONS.autoRolloutPush, async () => (await import("../../orchestrations/autoRolloutPush.js")).autoRolloutPushOrchestrator);
lazyOrchestration(ORCHESTRATIONS.autoRolloutScan, async () => (await import("../../orchestrations/autoRolloutScan.js")).autoRolloutScanOrchestrator);
