/**
 * Turns a `deploy` orchestration instance into the API's {@link DeploymentResource}. Everything is
 * read defensively from the instance (its input, custom status and output are JSON the API does not
 * control) and copied field by field, so nothing else in the input, such as build args, can leak.
 */
import { ORCHESTRATIONS } from "../../orchestrations/names.js";
import { DEPLOYMENT_STATUSES, type ApiError, type DeploymentResource, type DeploymentStatusName, type DeploymentTriggerResource } from "./apiTypes.js";
import type { BuildReport, CacheReport, LayerReport, LintStatus } from "../../domain/buildReport.js";
import { LINT_MODES } from "../../domain/deployment.js";
import { LINT_RULE_IDS, type LintCategory, type LintFinding } from "../../domain/lintFinding.js";
import type { TimelineStep } from "../../domain/timeline.js";
import { NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS, type NotificationRecord } from "../../domain/notification.js";

/** What the API reads of an orchestration instance (a `DurableOrchestrationStatus`, or its JSON). */
export interface DeploymentInstance {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input?: unknown;
  customStatus?: unknown;
  output?: unknown;
  createdTime: Date | string;
  lastUpdatedTime: Date | string;
  /** The deploy's `notifyDeploy` instances (its start and its outcome), read alongside it. */
  notifyInstances?: DeploymentInstance[];
}

/** The statuses a deployment ends in. */
export const FINAL_DEPLOYMENT_STATUSES: readonly DeploymentStatusName[] = ["Succeeded", "Failed", "RolledBack", "Canceled", "Superseded", "Quarantined"];

/** Longest reason taken from an orchestrator failure or termination text. */
const MAX_REASON_LENGTH = 1000;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const stringField = (value: unknown, key: string): string | undefined => (isObject(value) && typeof value[key] === "string" ? value[key] : undefined);
const numberField = (value: unknown, key: string): number | undefined => (isObject(value) && typeof value[key] === "number" ? value[key] : undefined);

/** Whether the instance is a deploy (not a sub-orchestration, entity or some other orchestration). */
export function isDeployInstance(instance: Pick<DeploymentInstance, "name">): boolean {
  return instance.name === ORCHESTRATIONS.deploy;
}

/** Whether a deployment in `status` has ended. */
export function isFinalStatus(status: DeploymentStatusName): boolean {
  return FINAL_DEPLOYMENT_STATUSES.includes(status);
}

function asStatusName(value: unknown): DeploymentStatusName | undefined {
  return DEPLOYMENT_STATUSES.find((status) => status === value);
}

function clipReason(text: string): string {
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}

function describe(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  const message = stringField(value, "message");
  return message ?? (value === null || value === undefined ? undefined : JSON.stringify(value));
}

/** The API status and, where the instance itself explains it, the reason. */
export function deploymentStatusOf(instance: DeploymentInstance): { status: DeploymentStatusName; reason?: string } {
  switch (instance.runtimeStatus) {
    case "Pending":
      return { status: "Pending" };
    case "Completed": {
      const outcome = asStatusName(stringField(instance.output, "outcome"));
      if (outcome && isFinalStatus(outcome)) {
        const reason = stringField(instance.output, "reason");
        return reason !== undefined ? { status: outcome, reason } : { status: outcome };
      }
      return { status: "Failed", reason: "the deploy ended without an outcome" };
    }
    case "Failed": {
      const text = describe(instance.output);
      return { status: "Failed", reason: clipReason(`the deploy orchestration failed${text ? `: ${text}` : ""}`) };
    }
    case "Terminated":
    case "Canceled": {
      const text = describe(instance.output);
      return { status: "Canceled", reason: clipReason(`the deploy was terminated${text ? `: ${text}` : ""}`) };
    }
    default:
      // Running (and ContinuedAsNew, Suspended): the phase the deploy published. Once its outcome is
      // decided the phase is final even though the orchestrator is still releasing the app.
      return { status: asStatusName(stringField(instance.customStatus, "phase")) ?? "Pending" };
  }
}

function stepsOf(value: unknown): TimelineStep[] {
  const steps = isObject(value) && Array.isArray(value.steps) ? value.steps : [];
  const out: TimelineStep[] = [];
  for (const step of steps) {
    const name = stringField(step, "name");
    const status = stringField(step, "status");
    if (name === undefined || (status !== "pending" && status !== "running" && status !== "succeeded" && status !== "failed" && status !== "skipped" && status !== "canceled")) continue;
    const copy: TimelineStep = { name, status };
    for (const key of ["startedAt", "finishedAt", "detail"] as const) {
      const field = stringField(step, key);
      if (field !== undefined) copy[key] = field;
    }
    out.push(copy);
  }
  return out;
}

function errorOf(output: unknown): ApiError | undefined {
  const error = isObject(output) ? output.error : undefined;
  const code = stringField(error, "code");
  const message = stringField(error, "message");
  if (code === undefined || message === undefined) return undefined;
  const statusCode = numberField(error, "statusCode");
  const correlationId = stringField(error, "correlationId");
  return { code, message, ...(statusCode !== undefined ? { statusCode } : {}), ...(correlationId !== undefined ? { correlationId } : {}) };
}

function isoOf(time: Date | string): string {
  const ms = time instanceof Date ? time.getTime() : Date.parse(time);
  return Number.isNaN(ms) ? String(time) : new Date(ms).toISOString();
}

/**
 * When the deploy was accepted: the request's own stamp (milliseconds, unique per front end and in
 * start order), since the Durable status API cuts its createdTime to whole seconds; createdTime for a
 * deploy whose input carries no stamp.
 */
function createdAtOf(instance: DeploymentInstance, input: Record<string, unknown>): string {
  const requestedAt = stringField(input, "requestedAt");
  return requestedAt !== undefined && !Number.isNaN(Date.parse(requestedAt)) ? isoOf(requestedAt) : isoOf(instance.createdTime);
}

/** The target name a deploy was started for (the app's name for deploys started without a target). */
export function targetNameOf(instance: Pick<DeploymentInstance, "input">): string {
  return stringField(instance.input, "targetName") ?? stringField(isObject(instance.input) ? instance.input.target : undefined, "containerApp") ?? "";
}

const TRIGGER_KINDS: readonly DeploymentTriggerResource["kind"][] = ["api", "webhook", "eventGrid", "scan"];

/** The recorded trigger, read defensively (inputs from before triggers were recorded read as `api`). */
function triggerOf(raw: unknown): DeploymentTriggerResource {
  const kind = TRIGGER_KINDS.find((k) => k === stringField(raw, "kind")) ?? "api";
  const trigger: DeploymentTriggerResource = { kind };
  if (!isObject(raw)) return trigger;
  if (Array.isArray(raw.eventIds)) trigger.eventIds = raw.eventIds.filter((id): id is string => typeof id === "string");
  const tag = stringField(raw, "tag");
  if (tag !== undefined) trigger.tag = tag;
  if (typeof raw.coalesced === "number") trigger.coalesced = raw.coalesced;
  return trigger;
}

function layersOf(value: unknown): LayerReport | undefined {
  const [total, fresh, reused, bytesTotal, bytesNew] = ["total", "new", "reused", "bytesTotal", "bytesNew"].map((key) => numberField(value, key));
  if (total === undefined || fresh === undefined || reused === undefined || bytesTotal === undefined || bytesNew === undefined) return undefined;
  const comparedWith = stringField(value, "comparedWith");
  return { total, new: fresh, reused, bytesTotal, bytesNew, ...(comparedWith !== undefined ? { comparedWith } : {}) };
}

function cacheOf(value: unknown): CacheReport | undefined {
  const [steps, cached, executed] = ["steps", "cached", "executed"].map((key) => numberField(value, key));
  return steps === undefined || cached === undefined || executed === undefined ? undefined : { steps, cached, executed };
}

const LINT_CATEGORIES: readonly LintCategory[] = ["cache", "size", "security"];

function findingOf(value: unknown): LintFinding | undefined {
  const rule = LINT_RULE_IDS.find((id) => id === stringField(value, "rule"));
  const category = LINT_CATEGORIES.find((c) => c === stringField(value, "category"));
  const severity = stringField(value, "severity");
  const [file, why, fix] = ["file", "why", "fix"].map((key) => stringField(value, key));
  if (!isObject(value) || !rule || !category || (severity !== "warning" && severity !== "error") || file === undefined || why === undefined || fix === undefined) return undefined;
  return { rule, category, severity, file, line: typeof value.line === "number" ? value.line : null, why, fix };
}

function lintOf(value: unknown): LintStatus | undefined {
  const mode = LINT_MODES.find((m) => m === stringField(value, "mode"));
  const dockerfile = stringField(value, "dockerfile");
  if (!isObject(value) || !mode || dockerfile === undefined || !Array.isArray(value.findings)) return undefined;
  const counts = { cache: numberField(value.counts, "cache") ?? 0, size: numberField(value.counts, "size") ?? 0, security: numberField(value.counts, "security") ?? 0 };
  const findings = value.findings.map(findingOf).filter((finding): finding is LintFinding => finding !== undefined);
  const omitted = numberField(value, "omitted");
  return { mode, dockerfile, findings, counts, ...(omitted !== undefined ? { omitted } : {}) };
}

/** The build report of a status, copied field by field. */
function buildOf(value: unknown): BuildReport | undefined {
  if (!isObject(value)) return undefined;
  const layers = layersOf(value.layers);
  const cache = cacheOf(value.cache);
  const summary = stringField(value, "summary");
  const lint = lintOf(value.lint);
  const report: BuildReport = { ...(lint ? { lint } : {}), ...(layers ? { layers } : {}), ...(cache ? { cache } : {}), ...(summary !== undefined ? { summary } : {}) };
  return Object.keys(report).length > 0 ? report : undefined;
}

/** Builds the resource for a deploy instance (call {@link isDeployInstance} first). */
export function toDeploymentResource(instance: DeploymentInstance): DeploymentResource {
  const { status, reason } = deploymentStatusOf(instance);
  // The output is the final word once there is one; until then the custom status.
  const progress = instance.runtimeStatus === "Completed" && isObject(instance.output) ? instance.output : instance.customStatus;
  const input = isObject(instance.input) ? instance.input : {};
  const image = isObject(input.image) ? input.image : {};
  const pick = (key: string): string | undefined => stringField(progress, key) ?? stringField(instance.customStatus, key);
  const tag = stringField(image, "tag");
  const digest = stringField(image, "digest") ?? pick("digest");

  const resource: DeploymentResource = {
    id: instance.instanceId,
    target: targetNameOf(instance),
    image: {
      loginServer: stringField(image, "loginServer") ?? "",
      repository: stringField(image, "repository") ?? "",
      ...(tag !== undefined ? { tag } : {}),
      ...(digest !== undefined ? { digest } : {}),
    },
    status,
    trigger: triggerOf(input.trigger),
    createdAt: createdAtOf(instance, input),
    updatedAt: isoOf(instance.lastUpdatedTime),
    steps: stepsOf(progress),
  };
  if (reason !== undefined) resource.reason = reason;
  const runId = pick("runId");
  if (runId !== undefined) resource.runId = runId;
  const revision = pick("newRevision");
  if (revision !== undefined) resource.revision = revision;
  const previousRevision = pick("previousRevision");
  if (previousRevision !== undefined) resource.previousRevision = previousRevision;
  for (const key of ["logTail", "supersededBy", "quarantinedDigest"] as const) {
    const value = stringField(instance.output, key);
    if (value !== undefined) resource[key] = value;
  }
  const build = isObject(input.build) ? input.build : {};
  const contentHash = stringField(isObject(build.source) ? build.source : undefined, "contentHash");
  if (contentHash !== undefined) resource.contentHash = contentHash;
  const error = errorOf(instance.output);
  if (error) resource.error = error;
  // Shown for every deploy with channels, empty until a delivery starts.
  if (Array.isArray(input.notifications) && input.notifications.length > 0) resource.notifications = (instance.notifyInstances ?? []).flatMap(notificationsOf);
  const report = buildOf(isObject(progress) && progress.build !== undefined ? progress.build : isObject(instance.customStatus) ? instance.customStatus.build : undefined);
  if (report) resource.build = report;
  return resource;
}

/** The delivery records of a `notifyDeploy` instance (its output once done, its custom status until then), copied field by field. */
function notificationsOf(instance: DeploymentInstance): NotificationRecord[] {
  const source = instance.runtimeStatus === "Completed" && isObject(instance.output) ? instance.output : instance.customStatus;
  const list = isObject(source) && Array.isArray(source.notifications) ? source.notifications : [];
  const records: NotificationRecord[] = [];
  for (const item of list) {
    const channel = NOTIFICATION_CHANNELS.find((name) => name === stringField(item, "channel"));
    const event = NOTIFICATION_EVENTS.find((name) => name === stringField(item, "event"));
    const setting = stringField(item, "setting");
    const attempts = numberField(item, "attempts");
    if (channel === undefined || event === undefined || setting === undefined || attempts === undefined) continue;
    const record: NotificationRecord = { channel, setting, event, delivered: isObject(item) && item.delivered === true, attempts };
    const lastError = stringField(item, "lastError");
    if (lastError !== undefined) record.lastError = lastError;
    const deliveredAt = stringField(item, "deliveredAt");
    if (deliveredAt !== undefined) record.deliveredAt = deliveredAt;
    records.push(record);
  }
  return records;
}
