/**
 * The context one deploy's steps share: the orchestration context, the validated input, the
 * progress (status and timeline), the cancel event and the app's entity. Steps take this one object
 * instead of long positional parameter lists.
 */
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITIES, type ActivityFailure, type ActivityInput, type ActivityName, type ActivityOutput, type TargetSnapshot } from "../activities/contracts.js";
import type { DeploymentInput } from "../domain/deployment.js";
import { ENTITIES, targetKey } from "../entities/names.js";
import type { TargetOperations } from "../entities/targetRecord.js";
import { activityRetryOptions } from "./activityRetry.js";
import { callActivity, type Failed, type Flow } from "./calls.js";
import { childInstanceId } from "./names.js";
import type { DeployOutput, DeployProgress } from "./deployProgress.js";

/** One deploy in progress. */
export class DeployRun {
  /** Durable retry options for every activity of this deploy. */
  readonly retry: df.RetryOptions;
  /** The app's `deployTarget` entity (single flight, quarantine, last known good). */
  readonly entity: df.EntityId;

  constructor(
    readonly context: OrchestrationContext,
    readonly input: DeploymentInput,
    readonly progress: DeployProgress,
    /** Created once at the start; see `calls.ts` for how it is raced. */
    readonly cancel: df.Task,
  ) {
    this.retry = activityRetryOptions(input.settings.activityRetry);
    this.entity = new df.EntityId(ENTITIES.deployTarget, targetKey(input.target));
  }

  /** The orchestration clock. */
  now(): Date {
    return this.context.df.currentUtcDateTime;
  }

  /** The instance id of a child of this deploy (a wait), fixed so a replay addresses the same one. */
  childId(suffix: string): string {
    return childInstanceId(this.input.deploymentId, suffix);
  }

  /** Calls an activity with this deploy's retry options. */
  *activity<N extends ActivityName>(name: N, input: ActivityInput<N>): Flow<ActivityOutput<N> | Failed> {
    return yield* callActivity(this.context, name, this.retry, input);
  }

  /** True once a cancel has arrived (exact after the deploy's first wait, see `calls.ts`). */
  canceled(): boolean {
    return this.cancel.isCompleted;
  }

  /** Terminates a child wait this deploy no longer waits for, so it stops polling Azure. */
  *stopChild(suffix: string, reason: string): Flow<void> {
    yield* this.activity(ACTIVITIES.stopWait, { instanceId: this.childId(suffix), reason });
  }

  /** Sends a one-way operation to the app's entity. */
  signalTarget<Op extends "quarantine" | "recordKnownGood" | "recordDeployment" | "recordVerifyTiming">(operation: Op, input: TargetOperations[Op]): void {
    this.context.df.signalEntity(this.entity, operation, input);
  }

  /** Ends the deploy `Failed` at `step` because of `failure`. */
  fail(step: string, failure: ActivityFailure, what: string): DeployOutput {
    this.progress.finish(step, "failed", `${failure.code}: ${failure.message}`);
    return this.progress.result("Failed", `${what}: ${failure.code}: ${failure.message}`, { error: failure });
  }
}

/** What a deploy knows once it has PATCHed the app: enough to verify, restart and roll back. */
export interface Rollout {
  /** The app as found before the deploy: the last known good. */
  snapshot: TargetSnapshot;
  digest: string;
  /** The new image, by digest. */
  image: string;
  /** The revision the PATCH created. */
  newRevision: string;
  /** The PATCH's serialized long-running operation, when this deploy sent it. */
  writeOperation?: string;
  /** When this deploy's PATCH created the revision (ISO), unless it found it applied already: it provisions from then. */
  writtenAt?: string;
}
