/**
 * ARM representations of runs, each shaped like its official 2019-06-01-preview example:
 * `Registries_ScheduleRun` answers a short Run (`type` singular), `Runs_Get`/`Runs_List` the full one
 * (`type` plural).
 */
import { createHash } from "node:crypto";
import { runResourceId, type RunStore, type SandboxRun } from "./runs.js";

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The `Registries_ScheduleRun` 200 body. */
export function scheduledRunBody(store: RunStore, run: SandboxRun): Record<string, unknown> {
  const phase = store.phase(run);
  return {
    properties: { provisioningState: "Succeeded", runId: run.runId, status: phase.status, lastUpdatedTime: iso(phase.lastUpdatedTime) },
    id: runResourceId(run),
    name: run.runId,
    type: "Microsoft.ContainerRegistry/registries/run",
  };
}

/** The `Runs_Get` body (and each `Runs_List` item). */
export function runBody(store: RunStore, run: SandboxRun): Record<string, unknown> {
  const phase = store.phase(run);
  const finished = phase.finishTime !== undefined;
  const properties: Record<string, unknown> = {
    provisioningState: "Succeeded",
    runId: run.runId,
    status: phase.status,
    lastUpdatedTime: iso(phase.lastUpdatedTime),
    runType: run.request.type === "DockerBuildRequest" ? "QuickBuild" : "QuickRun",
    createTime: iso(run.createdAt),
  };
  if (phase.startTime !== undefined) properties.startTime = iso(phase.startTime);
  if (phase.finishTime !== undefined) properties.finishTime = iso(phase.finishTime);
  if (phase.status === "Succeeded") {
    properties.outputImages = run.images.map((image) => ({ registry: image.registry, repository: image.repository, tag: image.tag, digest: image.digest }));
  }
  properties.isArchiveEnabled = run.request.isArchiveEnabled;
  properties.platform = run.request.platform;
  properties.agentConfiguration = run.request.agentConfiguration;
  if (run.errorMessage !== undefined && phase.status === run.outcome) properties.runErrorMessage = run.errorMessage;
  if (finished && run.request.isArchiveEnabled) {
    properties.logArtifact = {
      digest: `sha256:${createHash("sha256").update(store.logText(run)).digest("hex")}`,
      registry: run.registry.name.toLowerCase(),
      repository: "acr/tasks",
      tag: `${run.runId}-log`,
    };
  }
  return { properties, id: runResourceId(run), name: run.runId, type: "Microsoft.ContainerRegistry/registries/runs" };
}
