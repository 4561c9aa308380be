/**
 * The ACR provider's scenario view: what tests and `/_sandbox/acr/...` read about scheduled runs
 * (the request as sent, decoded task YAML and values, source upload, status, output images).
 */
import type { RunStore, RunStatus, SandboxRun } from "./runs.js";
import type { FinalRunStatus } from "./runLog.js";
import { maskRequestSecrets, SECRET_MASK, type RunRequestType } from "./runRequest.js";

/** A scheduled run as a scenario sees it. */
export interface ScheduledRunView {
  runId: string;
  subscriptionId: string;
  resourceGroup: string;
  registryName: string;
  loginServer: string;
  type: RunRequestType;
  /** The scheduleRun body as the client sent it. */
  request: Record<string, unknown>;
  /** Decoded `encodedTaskContent`. */
  taskYaml: string | undefined;
  /** Decoded `encodedValuesContent`. */
  valuesYaml: string | undefined;
  /** Values file entries overridden by `values[]` (or DockerBuild `arguments[]`). */
  values: Record<string, string>;
  secretValueNames: string[];
  sourceLocation: string | undefined;
  /** For a relative `sourceLocation`: whether that upload exists. */
  sourceUploaded: boolean | undefined;
  status: RunStatus;
  plannedOutcome: FinalRunStatus;
  createTime: string;
  startTime: string | undefined;
  finishTime: string | undefined;
  /** Images the run pushes (or pushed), with their digests. */
  outputImages: { registry: string; repository: string; tag: string; digest: string }[];
}


/** The scenario view of a run; `maskSecrets` hides `isSecret` values (for HTTP answers). */
export function scheduledRunView(store: RunStore, run: SandboxRun, maskSecrets = false): ScheduledRunView {
  const phase = store.phase(run);
  const secrets = new Set(run.request.secretNames);
  const values = Object.fromEntries(Object.entries(run.request.values).map(([name, value]) => [name, maskSecrets && secrets.has(name) ? SECRET_MASK : value]));
  const request = maskSecrets ? maskRequestSecrets(run.request.raw) : run.request.raw;
  const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
  return {
    runId: run.runId,
    subscriptionId: run.registry.subscriptionId,
    resourceGroup: run.registry.resourceGroup,
    registryName: run.registry.name,
    loginServer: run.registry.loginServer,
    type: run.request.type,
    request,
    taskYaml: run.request.taskYaml,
    valuesYaml: run.request.valuesYaml,
    values,
    secretValueNames: [...secrets],
    sourceLocation: run.request.sourceLocation,
    sourceUploaded: run.sourceUploaded,
    status: phase.status,
    plannedOutcome: run.outcome,
    createTime: new Date(run.createdAt).toISOString(),
    startTime: iso(phase.startTime),
    finishTime: iso(phase.finishTime),
    outputImages: run.images.map((image) => ({ registry: image.registry, repository: image.repository, tag: image.tag, digest: image.digest })),
  };
}
