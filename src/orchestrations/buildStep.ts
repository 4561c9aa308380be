/**
 * The build step: schedule an ACR Tasks run, wait for it in the `waitForBuildRun` sub-orchestration
 * (raced against a cancel), and report the digest it pushed. Nothing here touches the Container App.
 */
import { ACTIVITIES, type RegistryRef } from "../activities/contracts.js";
import type { BuildSpec } from "../domain/deployment.js";
import { raceCancel, subOrchestration, type Flow } from "./calls.js";
import type { WaitForBuildRunInput } from "./contracts.js";
import type { DeployOutput } from "./deployProgress.js";
import type { DeployRun } from "./deployRun.js";
import { BUILD_WAIT_SUFFIX, ORCHESTRATIONS } from "./names.js";

/** Bytes of build log kept when a build fails. */
const LOG_TAIL_BYTES = 4096;
/** How long past the run's own timeout the wait keeps polling before giving up. */
const BUILD_DEADLINE_SLACK_SECONDS = 600;

/** What the build produced: the digest when the run reported it, else the tag to resolve; or how the deploy ended. */
export type BuildResult = { ok: true; digest: string | undefined; tag: string; runId: string; registry: RegistryRef } | { ok: false; output: DeployOutput };

/** The registry the run is scheduled in. */
export function registryOf(run: DeployRun, build: BuildSpec): RegistryRef {
  const { target, image } = run.input;
  return {
    subscriptionId: build.registry.subscriptionId ?? target.subscriptionId,
    resourceGroup: build.registry.resourceGroup,
    name: build.registry.name ?? image.loginServer.split(".")[0] ?? image.loginServer,
  };
}

/** Runs the build and waits for it. */
export function* buildImage(run: DeployRun, build: BuildSpec): Flow<BuildResult> {
  const { input, progress } = run;
  const { image } = input;
  progress.phase("Building");
  progress.start("build");
  const registry = registryOf(run, build);
  const scheduled = yield* run.activity(ACTIVITIES.scheduleBuild, { deploymentId: input.deploymentId, registry, repository: image.repository, tag: image.tag ?? "", build });
  if (!scheduled.ok) return { ok: false, output: run.fail("build", scheduled.failure, "the build could not be scheduled") };
  const { runId } = scheduled;
  progress.set({ runId });

  const waitInput: WaitForBuildRunInput = {
    registry,
    runId,
    poll: input.settings.buildPoll,
    // Always set: deploy.ts re-parses its input and the schema defaults `buildLogPoll`, so even a deploy
    // started before the log watch existed watches the log in a wait it starts now. A wait that was
    // already running keeps its own stored input (no `logPoll`: ARM alone), so its replay is unchanged.
    logPoll: input.settings.buildLogPoll,
    maxPollsPerExecution: input.settings.maxPollsPerExecution,
    deadline: new Date(run.now().getTime() + (build.timeoutSeconds + BUILD_DEADLINE_SLACK_SECONDS) * 1000).toISOString(),
    attempt: 0,
    retry: input.settings.activityRetry,
  };
  const raced = yield* raceCancel(run.context, subOrchestration(run.context, ORCHESTRATIONS.waitForBuildRun, waitInput, run.childId(BUILD_WAIT_SUFFIX)), run.cancel);
  if (raced.canceled) {
    // The wait is stopped rather than left to notice the canceled run: no poll outlives the deploy.
    if (raced.started) yield* run.stopChild(BUILD_WAIT_SUFFIX, "the deploy was canceled");
    const canceled = yield* run.activity(ACTIVITIES.cancelBuildRun, { registry, runId });
    const how = canceled.ok ? `ACR run ${runId} canceled` : `canceling ACR run ${runId} failed: ${canceled.failure.code}`;
    progress.finish("build", "canceled", `canceled by request; ${how}`);
    return { ok: false, output: progress.result("Canceled", `canceled during the build; ${how}; the Container App was not changed`, canceled.ok ? {} : { error: canceled.failure }) };
  }
  const waited = raced.result;
  if (!waited.ok) return { ok: false, output: run.fail("build", waited.failure, `build run ${runId} could not be read`) };
  if (waited.run.status !== "Succeeded") {
    if (waited.timedOut) yield* run.activity(ACTIVITIES.cancelBuildRun, { registry, runId });
    const status = waited.timedOut ? `still ${waited.run.status} at the deadline (canceled)` : waited.run.status;
    const log = yield* run.activity(ACTIVITIES.readBuildLogTail, { registry, runId, maxBytes: LOG_TAIL_BYTES });
    progress.finish("build", "failed", `run ${runId} ended ${status}`);
    return { ok: false, output: progress.result("Failed", `build run ${runId} ended ${status}; the Container App was not changed`, log.ok ? { logTail: log.tail } : {}) };
  }
  // Says how the wait learnt of the end: the push signal, the log's mark, or its own ARM polling.
  const how = waited.pushSignal ? " (confirmed on the registry's push signal)" : waited.logComplete !== undefined ? " (its log marked it complete)" : "";
  progress.finish("build", "succeeded", `run ${runId} succeeded${how}`);
  // cmd-step builds report no output images; when a run does, its digest for our tag is authoritative.
  const digest = waited.run.outputImages.find((o) => o.repository === image.repository && o.tag === scheduled.resultTag && o.digest)?.digest;
  return { ok: true, digest, tag: scheduled.resultTag, runId, registry };
}
