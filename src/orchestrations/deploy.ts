/**
 * The deploy orchestration: one durable workflow per deploy. It only decides; every read and write
 * is an activity, every wait a durable timer inside a sub-orchestration.
 *
 *   queue (one deploy per app; only the newest waiter runs) → inspect the app (last known good)
 *   → build (ACR Tasks with a registry layer cache) → resolve the digest → PATCH the app with a
 *   deterministic revision suffix → verify the new revision → restart → roll back → quarantine
 *   → announce the outcome (a separate `notifyDeploy` instance delivers it; the deploy never waits).
 *
 * The steps live in their own modules (`queueStep`, `buildStep`, `writeWhenIdle`, `verifyStep`,
 * `rollbackStep`, `rollout`) and share one {@link DeployRun}. The app lock is released on every path
 * that reaches the end, and the waiting deploys are woken.
 */
import type { OrchestrationContext } from "durable-functions";
import { parseDeploymentInput } from "../domain/deployment.js";
import { DEPLOY_STEPS } from "../domain/timeline.js";
import type { Flow } from "./calls.js";
import { DeployProgress, type DeployOutput } from "./deployProgress.js";
import { DeployRun } from "./deployRun.js";
import { CANCEL_EVENT } from "./names.js";
import { announceOutcome, announceStart } from "./announce.js";
import { releaseApp, takeTurn } from "./queueStep.js";
import { runDeploy } from "./rollout.js";

/** The orchestrator function. */
export function* deployOrchestrator(context: OrchestrationContext): Flow<DeployOutput> {
  const parsed = parseDeploymentInput(context.df.getInput());
  if (!parsed.ok) {
    // Triggers validate first; this guards against a bad direct start and records why.
    const progress = new DeployProgress(context, context.df.instanceId, DEPLOY_STEPS);
    return progress.result("Failed", `invalid deploy input: ${parsed.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`);
  }
  const input = parsed.value;
  const run = new DeployRun(context, input, new DeployProgress(context, input.deploymentId, DEPLOY_STEPS, input.targetName ?? input.target.containerApp), context.df.waitForExternalEvent(CANCEL_EVENT));

  const turn = yield* takeTurn(run);
  if (!turn.granted && !turn.release) {
    yield* announceOutcome(run, turn.output);
    return turn.output;
  }
  let output: DeployOutput;
  if (turn.granted) {
    yield* announceStart(run);
    try {
      output = yield* runDeploy(run);
    } catch (error) {
      // A bug, not a fault (calls report faults as failures): end cleanly so the app is released.
      output = run.progress.result("Failed", `unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else {
    output = turn.output;
  }
  yield* releaseApp(run, output);
  // After the release: the next deploy of the app never waits for this one's messages.
  yield* announceOutcome(run, output);
  return output;
}
