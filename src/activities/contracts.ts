/**
 * The contract between the deploy orchestrations (which call activities by name) and the activities
 * (which do the I/O). Orchestrations import only these names and types, never the activity modules,
 * so control flow stays free of SDK imports. Every payload is plain JSON: it crosses the Durable
 * history as JSON.
 *
 * Activities return outcome objects for expected results (an app that doesn't exist, a 403, a tag
 * that isn't there) and throw only for faults worth retrying (5xx after the SDK's own retries,
 * network errors), which the orchestrator retries with `callActivityWithRetry`.
 */
import type { AzureFailure } from "../azure/azureFailure.js";
import type { RepositoryManifest } from "../domain/autoRollout.js";
import type { CacheReport, LayerReport } from "../domain/buildReport.js";
import type { BuildSpec, DeploymentInput, DeploymentTarget } from "../domain/deployment.js";
import type { LintReport } from "../domain/lintFinding.js";
import type { ChannelRef, DeployNotice, NotifyDeployInput } from "../domain/notification.js";
import type { AppState, RevisionState } from "../policies/revisionVerdict.js";

/**
 * Every activity's input and output: the one place their types are declared. Orchestrations call
 * activities only through `src/orchestrations/calls.ts`, which takes both types from here, and
 * `test/unit/activityContracts.test.ts` checks each activity function against the same entry, so a
 * mismatch on either side is a compile error.
 */
export interface ActivityContracts {
  inspectTarget: { input: InspectTargetInput; output: InspectTargetOutput };
  scheduleBuild: { input: ScheduleBuildInput; output: ScheduleBuildOutput };
  getBuildRun: { input: BuildRunRef; output: GetBuildRunOutput };
  readBuildLogTail: { input: ReadBuildLogTailInput; output: ReadBuildLogTailOutput };
  checkBuildLog: { input: BuildRunRef; output: CheckBuildLogOutput };
  cancelBuildRun: { input: BuildRunRef; output: CancelBuildRunOutput };
  resolveDigest: { input: ResolveDigestInput; output: ResolveDigestOutput };
  updateContainerApp: { input: UpdateContainerAppInput; output: UpdateContainerAppOutput };
  readRevision: { input: ReadRevisionInput; output: ReadRevisionOutput };
  readAppState: { input: ReadAppStateInput; output: ReadAppStateOutput };
  readWriteOperation: { input: ReadWriteOperationInput; output: ReadWriteOperationOutput };
  restartRevision: { input: RestartRevisionInput; output: RestartRevisionOutput };
  moveTraffic: { input: MoveTrafficInput; output: MoveTrafficOutput };
  deactivateRevision: { input: DeactivateRevisionInput; output: DeactivateRevisionOutput };
  notifyDeployQueue: { input: NotifyDeployQueueInput; output: NotifyDeployQueueOutput };
  readInstanceStatus: { input: ReadInstanceStatusInput; output: ReadInstanceStatusOutput };
  stopWait: { input: StopWaitInput; output: StopWaitOutput };
  startNotifications: { input: NotifyDeployInput; output: StartNotificationsOutput };
  deliverNotification: { input: DeliverNotificationInput; output: DeliverNotificationOutput };
  readRepository: { input: ReadRepositoryInput; output: ReadRepositoryOutput };
  startAutoDeploy: { input: StartAutoDeployInput; output: StartAutoDeployOutput };
  reportBuild: { input: ReportBuildInput; output: ReportBuildOutput };
  lintBuildContext: { input: LintBuildContextInput; output: LintBuildContextOutput };
}

/** The name of a registered activity. */
export type ActivityName = keyof ActivityContracts;
/** What an activity takes. */
export type ActivityInput<N extends ActivityName> = ActivityContracts[N]["input"];
/** What an activity returns (faults aside: those are thrown). */
export type ActivityOutput<N extends ActivityName> = ActivityContracts[N]["output"];

/** Activity function names. */
export const ACTIVITIES = {
  inspectTarget: "inspectTarget",
  scheduleBuild: "scheduleBuild",
  getBuildRun: "getBuildRun",
  readBuildLogTail: "readBuildLogTail",
  checkBuildLog: "checkBuildLog",
  cancelBuildRun: "cancelBuildRun",
  resolveDigest: "resolveDigest",
  updateContainerApp: "updateContainerApp",
  readRevision: "readRevision",
  readAppState: "readAppState",
  readWriteOperation: "readWriteOperation",
  restartRevision: "restartRevision",
  moveTraffic: "moveTraffic",
  deactivateRevision: "deactivateRevision",
  notifyDeployQueue: "notifyDeployQueue",
  readInstanceStatus: "readInstanceStatus",
  stopWait: "stopWait",
  startNotifications: "startNotifications",
  deliverNotification: "deliverNotification",
  readRepository: "readRepository",
  startAutoDeploy: "startAutoDeploy",
  reportBuild: "reportBuild",
  lintBuildContext: "lintBuildContext",
} as const satisfies { [N in ActivityName]: N };

/** An expected failure, reported rather than thrown. `code` is the ARM code or one of ours. */
export interface ActivityFailure {
  code: string;
  message: string;
  statusCode?: number;
  correlationId?: string;
}

/** Result of an activity with an expected failure mode. */
export type Outcome<T> = ({ ok: true } & T) | { ok: false; failure: ActivityFailure };

/** Converts an SDK failure record into an activity failure. */
export function failureFromAzure(failure: AzureFailure, fallbackCode = "AzureRequestFailed"): ActivityFailure {
  return {
    code: failure.code ?? fallbackCode,
    message: failure.message,
    ...(failure.statusCode !== undefined ? { statusCode: failure.statusCode } : {}),
    ...(failure.correlationId !== undefined ? { correlationId: failure.correlationId } : {}),
  };
}

/** The ARM coordinates of a registry. */
export interface RegistryRef {
  subscriptionId: string;
  resourceGroup: string;
  /** Registry resource name (the login server's first label for `*.azurecr.io`). */
  name: string;
}

// ---- inspectTarget -------------------------------------------------------------------------------

/** Input of `inspectTarget`. */
export interface InspectTargetInput {
  target: DeploymentTarget;
  /** The registry the new image comes from; the app must be able to pull from it. */
  loginServer: string;
}

/** A container of the app's template, kept whole so a PATCH can send the array back unchanged. */
export type TemplateContainer = { name: string; image: string } & Record<string, unknown>;

/** The Container App as found before the deploy: the last known good state. */
export interface TargetSnapshot {
  location: string;
  revisionsMode: "Single" | "Multiple";
  /** The container this deploy updates. */
  containerName: string;
  /** The full `template.containers` array (sidecars included), as read. */
  containers: TemplateContainer[];
  /**
   * The revision serving now, if any: the active revision with the most traffic, else the app's
   * `latestReadyRevisionName`. A rollback returns to it.
   */
  currentRevision: string | undefined;
  /** That container's image in the serving revision (read from the revision; the template's when nothing serves). */
  currentImage: string;
  /** That container's image in the app template, which after a failed deploy may differ from what serves. */
  templateImage: string;
  /** The digest of `currentImage` when it is pinned by digest. */
  currentDigest: string | undefined;
  /** Ingress traffic as configured; undefined when the app has no ingress. */
  traffic: TrafficWeight[] | undefined;
  /** `template.scale.minReplicas` (0 when unset). */
  minReplicas: number;
}

/** One ingress traffic entry. */
export interface TrafficWeight {
  revisionName?: string;
  latestRevision?: boolean;
  weight: number;
  label?: string;
}

/**
 * `inspectTarget` failures use these codes: `ContainerAppNotFound`, `ContainerAmbiguous`,
 * `ContainerNotFound`, `RegistryNotConfigured`, or the ARM code of a failed read.
 */
export type InspectTargetOutput = Outcome<{ snapshot: TargetSnapshot }>;

// ---- build ---------------------------------------------------------------------------------------

/** Input of `scheduleBuild`. */
export interface ScheduleBuildInput {
  deploymentId: string;
  registry: RegistryRef;
  repository: string;
  tag: string;
  build: BuildSpec;
}

/** The scheduled ACR run. */
export type ScheduleBuildOutput = Outcome<{ runId: string; resultTag: string }>;

/** Input of `getBuildRun`, `readBuildLogTail` and `cancelBuildRun`. */
export interface BuildRunRef {
  registry: RegistryRef;
  runId: string;
}

/** ACR run statuses that end a run. */
export const TERMINAL_RUN_STATUSES = ["Succeeded", "Failed", "Canceled", "Error", "Timeout"] as const;

/** A run as the orchestrator needs it. */
export interface BuildRunState {
  runId: string;
  status: string;
  /** Images the run reports (not reported for `cmd:` steps). */
  outputImages: { registry?: string; repository?: string; tag?: string; digest?: string }[];
  startTime?: string;
  finishTime?: string;
}

/** Output of `getBuildRun`. */
export type GetBuildRunOutput = Outcome<{ run: BuildRunState }>;

/** Input of `readBuildLogTail`. */
export interface ReadBuildLogTailInput extends BuildRunRef {
  /** How many bytes from the end of the log to return. */
  maxBytes: number;
}

/** Output of `readBuildLogTail`: the last `maxBytes` of the log, secrets never included by ACR. */
export type ReadBuildLogTailOutput = Outcome<{ tail: string; truncated: boolean }>;

/**
 * Output of `checkBuildLog`: what the run's log blob says. ACR sets the blob's metadata `Complete` to
 * the run's status once the run is final, the mark `az acr` waits for.
 * - `running`: the log exists, without the mark;
 * - `notStarted`: there is no log yet (ACR writes it once an agent runs the run);
 * - `complete`: marked, with the status the mark names (`Succeeded`, `Failed`, `TimedOut`, `Canceled`,
 *   `InternalError`: the log's words, not ARM's run status, which stays the source of truth);
 * - `unavailable`: the log cannot be read (no link, refused even with a fresh link, another 4xx);
 *   `reason` in plain words, never the link.
 */
export type CheckBuildLogOutput =
  | { state: "running" }
  | { state: "notStarted" }
  | { state: "complete"; status: string }
  | { state: "unavailable"; reason: string; statusCode?: number };

/** Output of `cancelBuildRun`. */
export type CancelBuildRunOutput = Outcome<{ status: string }>;

/** Input of `reportBuild`: the run, the image it built (by digest) and the last known good image to compare with. */
export interface ReportBuildInput extends BuildRunRef {
  image: { loginServer: string; repository: string; digest: string };
  /** The image the app served before the deploy (`<loginServer>/<repo>@sha256:…` or `:tag`), when it served one. */
  baselineImage?: string;
}

/** Output of `reportBuild`: what could be read, and what could not (plain words, no URLs). */
export interface ReportBuildOutput {
  layers?: LayerReport;
  cache?: CacheReport;
  problems: string[];
}

/** Input of `lintBuildContext`: an uploaded context and its Dockerfile's path in it. */
export interface LintBuildContextInput {
  relativePath: string;
  dockerfile: string;
}

/**
 * Output of `lintBuildContext`. Failure codes: `BuildContextUnavailable` (this instance issued no
 * upload URL for it), `BuildContextNotFound`, `BuildContextUnreadable`, `BuildContextTooLarge`,
 * `DockerfileNotFound`.
 */
export type LintBuildContextOutput = Outcome<{ report: LintReport }>;

// ---- digest --------------------------------------------------------------------------------------

/** Input of `resolveDigest`. */
export interface ResolveDigestInput {
  loginServer: string;
  repository: string;
  tag: string;
}

/** Output of `resolveDigest`; `TagNotFound` when the tag does not exist. */
export type ResolveDigestOutput = Outcome<{ digest: string }>;

// ---- update --------------------------------------------------------------------------------------

/** Input of `updateContainerApp`. */
export interface UpdateContainerAppInput {
  target: DeploymentTarget;
  containerName: string;
  /** The image to run, always `<loginServer>/<repo>@sha256:…`. */
  image: string;
  /** Deterministic suffix: a replayed or retried PATCH names the same revision. */
  revisionSuffix: string;
}

/**
 * Output of `updateContainerApp`: the revision the PATCH creates. `alreadyApplied` is true when that
 * revision already existed, so no PATCH was sent (a retry after a crash). `operation` is the PATCH's
 * long-running operation as the SDK serializes it (its status URL), when one was sent, so a later
 * activity can ask how it ended.
 */
export type UpdateContainerAppOutput = Outcome<{ revisionName: string; alreadyApplied: boolean; operation?: string }>;

/** Input of `readWriteOperation`: the serialized operation `updateContainerApp` returned. */
export interface ReadWriteOperationInput {
  target: DeploymentTarget;
  operation: string;
}

/** How a write's long-running operation stands: `error` is ARM's code and message when it failed. */
export type ReadWriteOperationOutput = Outcome<{ status: "InProgress" | "Succeeded" | "Failed" | "Canceled"; error?: { code: string; message: string } }>;

// ---- verification --------------------------------------------------------------------------------

/** Input of `readRevision`. */
export interface ReadRevisionInput {
  target: DeploymentTarget;
  revisionName: string;
  /** When set and the revision is provisioned and active, a GET to `https://<revision fqdn><smokePath>`. */
  smokePath?: string;
  /**
   * Whether to read the app as well when the revision exists (default true). False: one ARM read
   * while the revision is on its way; the app is read anyway when the revision is not found.
   */
  withApp?: boolean;
}

/** The app's side of an observation: its state for `judgeRevision` and its ingress traffic. */
export interface AppObservation {
  app: AppState & { provisioningState?: string };
  traffic: TrafficWeight[] | undefined;
}

/** Input of `readAppState`. */
export interface ReadAppStateInput {
  target: DeploymentTarget;
}

/** Output of `readAppState`. */
export type ReadAppStateOutput = Outcome<AppObservation>;

/** One observation of a revision and its app, for `judgeRevision`. */
export interface RevisionObservation {
  /** Undefined when the revision doesn't exist (yet). */
  revision: RevisionState | undefined;
  /** The app; undefined when it was not read (`withApp: false` and the revision exists). */
  app: (AppState & { provisioningState?: string }) | undefined;
  traffic: TrafficWeight[] | undefined;
  /** Present exactly when a smoke path is set; `status` undefined when not sent (yet) or unanswered, with the reason. */
  smoke?: { status: number | undefined; error?: string };
}

/** Output of `readRevision`. */
export type ReadRevisionOutput = Outcome<{ observation: RevisionObservation }>;

/** Input of `restartRevision`. */
export interface RestartRevisionInput {
  target: DeploymentTarget;
  revisionName: string;
}

/** Output of `restartRevision`. */
export type RestartRevisionOutput = Outcome<Record<never, never>>;

/**
 * Input of `moveTraffic` (Multiple revision mode rollback): activate `toRevision` and send it 100% of
 * traffic. The orchestrator deactivates the failed revision (`deactivateRevision`) only after it has
 * seen the traffic arrive, so the app never serves from a revision being taken away.
 */
export interface MoveTrafficInput {
  target: DeploymentTarget;
  toRevision: string;
  /** The revision traffic moves away from, when one serves (must differ from `toRevision`). */
  fromRevision?: string;
}

/** Output of `moveTraffic`. */
export type MoveTrafficOutput = Outcome<Record<never, never>>;

/** Input of `deactivateRevision`. */
export interface DeactivateRevisionInput {
  target: DeploymentTarget;
  revisionName: string;
}

/** Output of `deactivateRevision`. */
export type DeactivateRevisionOutput = Outcome<Record<never, never>>;

// ---- single flight -------------------------------------------------------------------------------

/** One wake-up for a deploy waiting its turn. */
export interface QueueNotice {
  instanceId: string;
  /** `granted`: go ahead. `superseded`: a newer deploy replaced you. */
  kind: "granted" | "superseded";
  supersededBy?: string;
}

/** Input of `notifyDeployQueue`: raise the `deployQueue` event on each waiting instance. */
export interface NotifyDeployQueueInput {
  notices: QueueNotice[];
}

/** A notice whose instance is missing or no longer running: the event reached no one. */
export interface GoneWaiter extends QueueNotice {
  /** The instance's runtime status; absent when there is no such instance (never started, or purged). */
  runtimeStatus?: string;
}

/**
 * Output of `notifyDeployQueue`. A `granted` notice in `gone` means the app was handed to a deploy
 * that will never release it: the caller releases it on that deploy's behalf and passes it on.
 */
export interface NotifyDeployQueueOutput {
  /** Delivered to a running instance. */
  raised: string[];
  gone: GoneWaiter[];
}

/** The external event name a waiting deploy listens for. */
export const DEPLOY_QUEUE_EVENT = "deployQueue";

/** Input of `readInstanceStatus`: another orchestration instance (the deploy holding an app). */
export interface ReadInstanceStatusInput {
  instanceId: string;
}

/** Output of `readInstanceStatus`; `runtimeStatus` is absent when there is no such instance. */
export interface ReadInstanceStatusOutput {
  exists: boolean;
  runtimeStatus?: string;
}

/** Input of `stopWait`: a wait (sub-orchestration) of a deploy that no longer needs it. */
export interface StopWaitInput {
  instanceId: string;
  /** Why, recorded as the termination reason: plain words, no secrets. */
  reason: string;
}

/** Output of `stopWait`: false when no such instance exists (it was never started). */
export interface StopWaitOutput {
  found: boolean;
}

// ---- notifications -------------------------------------------------------------------------------

/**
 * Output of `startNotifications`: whether it started the `notifyDeploy` instance (false when that
 * event's instance already exists, so a retried or replayed start never sends an event twice).
 */
export interface StartNotificationsOutput {
  started: boolean;
}

/** Input of `deliverNotification`: one attempt to send `notice` to one channel. */
export interface DeliverNotificationInput {
  channel: ChannelRef;
  notice: DeployNotice;
}

/**
 * Output of `deliverNotification` (it never throws: every failure is an answer). `error` names the
 * status and the service's error text, never the URL or the secret.
 */
export interface DeliverNotificationOutput {
  delivered: boolean;
  statusCode?: number;
  retryAfterSeconds?: number;
  retryable: boolean;
  error?: string;
}

// ---- readRepository (auto-rollout) ----------------------------------------------------------------

/** Input of `readRepository`: a repository on the registry's data plane, and digests to look up even when untagged. */
export interface ReadRepositoryInput {
  loginServer: string;
  repository: string;
  /** Pushed digests to confirm: listed manifests are tagged ones, so an untagged digest is read by itself. */
  digests: string[];
}

/**
 * The repository's manifests (every tagged one, plus each asked-for digest the registry has), or
 * `RepositoryNotFound` / the data plane's error.
 */
export type ReadRepositoryOutput = Outcome<{ manifests: RepositoryManifest[] }>;

// ---- startAutoDeploy (auto-rollout) ---------------------------------------------------------------

/** Input of `startAutoDeploy`: the composed deploy input (its id derived from target and digest). */
export interface StartAutoDeployInput {
  input: DeploymentInput;
}

/** Whether the deploy was started now, or already existed (a duplicate: the status it has). */
export type StartAutoDeployOutput = { started: true } | { started: false; runtimeStatus: string };
