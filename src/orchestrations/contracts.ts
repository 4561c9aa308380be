/**
 * The orchestration side of the contract registry: the input and output of every sub-orchestration
 * and of every entity operation an orchestration calls. Activity contracts live with the activities
 * (`src/activities/contracts.ts`); `calls.ts` takes every call's types from these two registries.
 */
import type { ActivityFailure, BuildRunState, RegistryRef, RevisionObservation } from "../activities/contracts.js";
import type { ActivityRetrySettings, DeploymentTarget } from "../domain/deployment.js";
import type { ArriveAnswer, AutoRolloutOperations, CloseAnswer } from "../entities/autoRolloutRecord.js";
import type { EnqueueAnswer, ReleaseAnswer, TargetOperations, TargetRecord, TurnAnswer } from "../entities/targetRecord.js";
import type { PollProfile, VerifyPollProfile } from "../domain/pollProfile.js";
import type { ChannelOperations, SendSlot } from "../entities/channelPace.js";
import type { RevisionVerdict } from "../policies/revisionVerdict.js";
import type { RevisionStage } from "../policies/verifyPollSchedule.js";
import type { LearnedFloors, VerifyTiming } from "../policies/learnedVerifyFloors.js";

/** Input (and `continueAsNew` state) of the build wait. */
export interface WaitForBuildRunInput {
  registry: RegistryRef;
  runId: string;
  poll: PollProfile;
  maxPollsPerExecution: number;
  /** ISO time after which the wait gives up (the run's own timeout plus slack). */
  deadline: string;
  /** Polls made by earlier executions, so the interval keeps growing across `continueAsNew`. */
  attempt: number;
  retry: ActivityRetrySettings;
  /** The push signal, once one has arrived (kept across `continueAsNew`). */
  pushSignal?: BuildPushSignalPayload;
  /** Re-reads made since the push signal (or the log's mark), so the confirm delays keep growing across `continueAsNew`. */
  confirmAttempt?: number;
  /**
   * How often to check the run's log blob for ACR's `Complete` mark between ARM reads. Absent in waits
   * started before the log watch existed: those poll ARM alone, as they always did, so a replay of one
   * stays deterministic.
   */
  logPoll?: PollProfile;
  /** The log watch's state, kept across `continueAsNew`; absent in a wait's first execution. */
  logWatch?: BuildLogWatch;
}

/** Where a wait's log watch stands (see `waitForBuildRun.ts`). */
export interface BuildLogWatch {
  /** ISO time the next ARM read of the run is due. */
  armDueAt: string;
  /** Log checks made so far (the log profile's attempt index). */
  checks: number;
  /** The log has been seen: ARM reads are then only the safety net (src/policies/buildWatchSchedule.ts). */
  answering: boolean;
  /** Checks in a row that faulted. */
  faults: number;
  /** Why the wait stopped watching the log (it could not be read): ARM polling alone from then on. */
  stopped?: string;
  /** The status the log's `Complete` mark named, once seen. */
  complete?: string;
}

/** The payload of the `buildPushed` event (`BUILD_PUSH_EVENT`): what the registry said it pushed, and when we heard it. */
export interface BuildPushSignalPayload {
  digest: string;
  tag: string;
  repository: string;
  /** The registry's login server, as the push named it. */
  host: string;
  /** ISO time the signal was raised (wall clock of the raiser; informative only). */
  raisedAt: string;
}

/**
 * The run's final state (with the push signal that ended the wait early, if one did, and the log's
 * `Complete` mark when the log told first), or why it could not be read.
 */
export type WaitForBuildRunOutput =
  | { ok: true; run: BuildRunState; timedOut: boolean; pushSignal?: BuildPushSignalPayload; logComplete?: string }
  | { ok: false; failure: ActivityFailure };

/** Input (and `continueAsNew` state) of a verification. */
export interface VerifyRevisionInput {
  target: DeploymentTarget;
  revisionName: string;
  smokePath?: string;
  /** Expected traffic weight; undefined when the app has no ingress. Single mode always expects 100. */
  expectedTraffic: number | undefined;
  minReplicas: number;
  warmupGraceSeconds: number;
  /** When the warm-up grace starts, if not at the revision's creation (after a restart). */
  warmupFrom?: string;
  /** False for an older revision a Multiple-mode rollback returns to. */
  mustBeLatest: boolean;
  /** ISO deadline. */
  deadline: string;
  poll: VerifyPollProfile;
  maxPollsPerExecution: number;
  attempt: number;
  /**
   * The app's revisions mode as inspected (Single expects 100% traffic): lets a read of the revision
   * alone tell whether it could pass. Absent (inputs from before): the app is read on every poll.
   */
  revisionsMode?: "Single" | "Multiple";
  /** The stage the last read showed and when it was first seen (ISO), across `continueAsNew`. */
  stage?: { stage: RevisionStage; since: string };
  /** When the app was last read (ISO) and the revision state it was read with, across `continueAsNew`. */
  lastAppRead?: { at: string; stateKey: string };
  /** Reads in a row (across `continueAsNew`) that found no such revision. */
  missingReads?: number;
  /**
   * The PATCH's serialized long-running operation, when this verification follows a write that
   * created the revision: read when the revision is missing and the app says its write failed.
   */
  writeOperation?: string;
  /**
   * When the write that created this revision was sent (ISO), for the first verification after it:
   * the revision is provisioning, so with stage-aware spacing the first read waits the provisioning spacing.
   */
  writtenAt?: string;
  /** This target's floors learned from its past verifications (with `writtenAt`): dense polling starts where its revisions can first be ready. */
  learned?: LearnedFloors;
  /** Read times bracketing the revision's transitions so far (ISO), across `continueAsNew`: what the target learns from. */
  seen?: { lastProvisioningAt?: string; firstProvisionedAt?: string; lastPendingAt?: string };
  retry: ActivityRetrySettings;
}

/** The final verdict (never `pending`) with, for a passed fresh revision, the timing bounds it measured; or why the revision could not be read. */
export type VerifyRevisionOutput =
  | { ok: true; verdict: RevisionVerdict; observation: RevisionObservation; timing?: VerifyTiming }
  | { ok: false; failure: ActivityFailure; writeFailed?: true };

/** Every sub-orchestration's input and output. */
export interface SubOrchestrationContracts {
  waitForBuildRun: { input: WaitForBuildRunInput; output: WaitForBuildRunOutput };
  verifyRevision: { input: VerifyRevisionInput; output: VerifyRevisionOutput };
}

/** The name of a registered sub-orchestration. */
export type SubOrchestrationName = keyof SubOrchestrationContracts;

/** The `deployTarget` entity operations an orchestration calls and waits for, with their answers. */
export interface TargetEntityCalls {
  enqueue: { input: TargetOperations["enqueue"]; output: EnqueueAnswer };
  release: { input: TargetOperations["release"]; output: ReleaseAnswer };
  checkTurn: { input: TargetOperations["checkTurn"]; output: TurnAnswer };
  releaseEnded: { input: TargetOperations["releaseEnded"]; output: ReleaseAnswer };
  get: { input: TargetOperations["get"]; output: TargetRecord };
}

/** The `notifyChannel` entity operation an orchestration calls and waits for, with its answer. */
export interface ChannelEntityCalls {
  reserve: { input: ChannelOperations["reserve"]; output: SendSlot };
}

/** The `autoRollout` entity operations an orchestration calls and waits for, with their answers. */
export interface AutoRolloutEntityCalls {
  arrive: { input: AutoRolloutOperations["arrive"]; output: ArriveAnswer };
  closeWindow: { input: AutoRolloutOperations["closeWindow"]; output: CloseAnswer };
}
