/**
 * Single flight: take the app from the `deployTarget` entity before touching it (waiting as
 * `Queued` while another deploy holds it), and hand it on when the deploy ends.
 *
 * The lock never outlives its holder. A wake-up that reaches a deploy that is missing or has ended
 * makes the app be released on that deploy's behalf and passed on ({@link handOn}). And a queued
 * deploy does not rely on its wake-up alone: a timer makes it ask the entity where it stands, and
 * when another deploy holds the app it reads that holder's runtime status (an activity; the entity
 * does no I/O) and, if the holder has ended, has the entity release it and pass the app on.
 */
import { ACTIVITIES, DEPLOY_QUEUE_EVENT, type QueueNotice } from "../activities/contracts.js";
import { hasEnded } from "../policies/deployQueue.js";
import { pollDelaySeconds } from "../policies/pollSchedule.js";
import { awaitCall, awaitCallTrackingCancel, callTargetEntity, firstOf, targetEntityCall, type Flow, type PendingCall } from "./calls.js";
import type { DeployOutput } from "./deployProgress.js";
import type { DeployRun } from "./deployRun.js";

/**
 * How taking the app ended: `granted`, or the deploy's output when it ended while waiting, with
 * whether it must still release the app (a superseded deploy was already dropped by the entity).
 */
export type Turn = { granted: true } | { granted: false; output: DeployOutput; release: boolean };

/** Most hand-ons in a row to deploys found gone; each empties the queue but for one, so few are ever needed. */
const MAX_HANDOFFS = 8;

/** Takes the app, waiting for it when another deploy holds it. */
export function* takeTurn(run: DeployRun): Flow<Turn> {
  const { context, input, progress } = run;
  progress.start("queue");
  // The first wait: from here on the runtime tracks the cancel event, so every later check is exact.
  const turn = yield* awaitCallTrackingCancel(context, targetEntityCall(context, run.entity, "enqueue", { deploymentId: input.deploymentId }), run.cancel);
  if ("failure" in turn) return { granted: false, output: run.fail("queue", turn.failure, `cannot take ${input.target.containerApp}`), release: true };
  if (turn.granted) {
    progress.finish("queue", "succeeded", "the app was free");
    return { granted: true };
  }

  progress.phase("Queued");
  const notice: PendingCall<QueueNotice> = { task: context.df.waitForExternalEvent(DEPLOY_QUEUE_EVENT), what: "the queue notice" };
  for (let check = 0; ; check++) {
    if (run.cancel.isCompleted) return canceledWhileQueued(run);
    if (notice.task.isCompleted) return yield* noticed(run, notice);
    const timer = context.df.createTimer(new Date(run.now().getTime() + pollDelaySeconds(input.settings.queuePoll, check) * 1000));
    const winner = yield* firstOf(context, [notice.task, run.cancel, timer]);
    if (winner !== timer) {
      timer.cancel();
      if (winner === run.cancel) return canceledWhileQueued(run);
      return yield* noticed(run, notice);
    }
    const decided = yield* checkHolder(run);
    if (decided !== undefined) return decided;
  }
}

function canceledWhileQueued(run: DeployRun): Turn {
  run.progress.finish("queue", "skipped", "canceled while waiting for the app");
  return { granted: false, output: run.progress.result("Canceled", "canceled while waiting for the app; nothing was changed"), release: true };
}

/** The wake-up arrived. */
function* noticed(run: DeployRun, notice: PendingCall<QueueNotice>): Flow<Turn> {
  const answer = yield* awaitCall(notice);
  if ("failure" in answer) return { granted: false, output: run.fail("queue", answer.failure, `waiting for ${run.input.target.containerApp} failed`), release: true };
  return decide(run, answer, "the previous deploy finished");
}

/** Acts on this deploy's own notice: go ahead, or end superseded. */
function decide(run: DeployRun, notice: Pick<QueueNotice, "kind" | "supersededBy">, grantedDetail: string): Turn {
  const { progress } = run;
  if (notice.kind === "superseded") {
    progress.finish("queue", "skipped", `superseded by ${notice.supersededBy ?? "a newer deploy"}`);
    const output = progress.result("Superseded", `a newer deploy (${notice.supersededBy ?? "unknown"}) replaced this one while it waited`, {
      ...(notice.supersededBy !== undefined ? { supersededBy: notice.supersededBy } : {}),
    });
    return { granted: false, output, release: false };
  }
  progress.finish("queue", "succeeded", grantedDetail);
  return { granted: true };
}

/**
 * The queue check: where does this deploy stand, and is the deploy holding the app still running?
 * Undefined means: keep waiting (a failed read is tried again at the next check).
 */
function* checkHolder(run: DeployRun): Flow<Turn | undefined> {
  const { context, input } = run;
  const me = input.deploymentId;
  const turn = yield* callTargetEntity(context, run.entity, "checkTurn", { deploymentId: me });
  if ("failure" in turn) return undefined;
  if (turn.kind === "granted") return decide(run, { kind: "granted" }, "the app was passed to this deploy (found at a queue check; the wake-up never arrived)");
  if (turn.kind === "superseded") return decide(run, { kind: "superseded", supersededBy: turn.supersededBy }, "");

  const holder = turn.holder;
  const status = yield* run.activity(ACTIVITIES.readInstanceStatus, { instanceId: holder });
  if ("failure" in status || !hasEnded(status.runtimeStatus)) return undefined;
  const how = status.runtimeStatus !== undefined ? `ended ${status.runtimeStatus}` : "does not exist";
  const released = yield* callTargetEntity(context, run.entity, "releaseEnded", {
    holder,
    reason: `${holder} ${how} while holding the app; released on its behalf by queued deploy ${me}`,
    at: run.now().toISOString(),
  });
  if ("failure" in released) return undefined;
  const mine = released.notices.find((n) => n.instanceId === me);
  yield* handOn(run, released.notices.filter((n) => n !== mine));
  // Not among the notices: someone else released that holder first; ask again at the next check.
  if (mine === undefined) return undefined;
  return decide(run, mine, `the app was freed: ${holder} ${how} without releasing it`);
}

/** Records how the deploy ended, releases the app and wakes the deploys waiting for it. */
export function* releaseApp(run: DeployRun, output: DeployOutput): Flow<void> {
  const { context, input } = run;
  run.signalTarget("recordDeployment", { deploymentId: input.deploymentId, outcome: output.outcome, at: run.now().toISOString() });
  const released = yield* callTargetEntity(context, run.entity, "release", { deploymentId: input.deploymentId });
  if ("failure" in released) return;
  yield* handOn(run, released.notices);
}

/**
 * Wakes the deploys in `notices`. When the one granted the app is missing or has ended, the app is
 * released on its behalf and passed to whoever waits next, and so on. If waking fails after its
 * retries, the waiters find their turn at their next queue check.
 */
export function* handOn(run: DeployRun, notices: readonly QueueNotice[]): Flow<void> {
  let pending = notices;
  for (let round = 0; pending.length > 0 && round < MAX_HANDOFFS; round++) {
    const notified = yield* run.activity(ACTIVITIES.notifyDeployQueue, { notices: [...pending] });
    if ("failure" in notified) return;
    const lost = notified.gone.find((g) => g.kind === "granted");
    if (lost === undefined) return;
    const how = lost.runtimeStatus !== undefined ? `had already ended ${lost.runtimeStatus}` : "does not exist";
    const released = yield* callTargetEntity(run.context, run.entity, "releaseEnded", {
      holder: lost.instanceId,
      reason: `${lost.instanceId} was granted the app but ${how}; released on its behalf by ${run.input.deploymentId}`,
      at: run.now().toISOString(),
    });
    if ("failure" in released) return;
    pending = released.notices;
  }
}
