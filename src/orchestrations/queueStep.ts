/**
 * Single flight: take the app from the `deployTarget` entity before touching it (waiting as
 * `Queued` while another deploy holds it), and hand it on when the deploy ends.
 */
import { ACTIVITIES, DEPLOY_QUEUE_EVENT, type QueueNotice } from "../activities/contracts.js";
import { callTargetEntity, raceCancel, type Flow, type PendingCall } from "./calls.js";
import type { DeployOutput } from "./deployProgress.js";
import type { DeployRun } from "./deployRun.js";

/**
 * How taking the app ended: `granted`, or the deploy's output when it ended while waiting, with
 * whether it must still release the app (a superseded deploy was already dropped by the entity).
 */
export type Turn = { granted: true } | { granted: false; output: DeployOutput; release: boolean };

/** Takes the app, waiting for it when another deploy holds it. */
export function* takeTurn(run: DeployRun): Flow<Turn> {
  const { context, input, progress } = run;
  progress.start("queue");
  const turn = yield* callTargetEntity(context, run.entity, "enqueue", { deploymentId: input.deploymentId });
  if ("failure" in turn) return { granted: false, output: run.fail("queue", turn.failure, `cannot take ${input.target.containerApp}`), release: true };
  if (turn.granted) {
    progress.finish("queue", "succeeded", "the app was free");
    return { granted: true };
  }

  progress.phase("Queued");
  const notice: PendingCall<QueueNotice> = { task: context.df.waitForExternalEvent(DEPLOY_QUEUE_EVENT), what: "the queue notice" };
  const waited = yield* raceCancel(context, notice, run.cancel);
  if (waited.canceled) {
    progress.finish("queue", "skipped", "canceled while waiting for the app");
    return { granted: false, output: progress.result("Canceled", "canceled while waiting for the app; nothing was changed"), release: true };
  }
  const answer = waited.result;
  if ("failure" in answer) return { granted: false, output: run.fail("queue", answer.failure, `waiting for ${input.target.containerApp} failed`), release: true };
  if (answer.kind === "superseded") {
    progress.finish("queue", "skipped", `superseded by ${answer.supersededBy ?? "a newer deploy"}`);
    const output = progress.result("Superseded", `a newer deploy (${answer.supersededBy ?? "unknown"}) replaced this one while it waited`, {
      ...(answer.supersededBy !== undefined ? { supersededBy: answer.supersededBy } : {}),
    });
    return { granted: false, output, release: false };
  }
  progress.finish("queue", "succeeded", "the previous deploy finished");
  return { granted: true };
}

/** Records how the deploy ended, releases the app and wakes the deploys waiting for it. */
export function* releaseApp(run: DeployRun, output: DeployOutput): Flow<void> {
  const { context, input } = run;
  run.signalTarget("recordDeployment", { deploymentId: input.deploymentId, outcome: output.outcome, at: run.now().toISOString() });
  const released = yield* callTargetEntity(context, run.entity, "release", { deploymentId: input.deploymentId });
  if ("failure" in released) return;
  if (released.notices.length > 0) {
    yield* run.activity(ACTIVITIES.notifyDeployQueue, { notices: released.notices });
  }
}
