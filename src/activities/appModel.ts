/**
 * Reading Container Apps SDK models into the plain JSON shapes of the activity contract (dates as
 * ISO strings, no undefined-valued keys), plus the app-level failures several activities share.
 */
import type { ContainerApp, Revision } from "@azure/arm-appcontainers";
import type { DeploymentTarget } from "../domain/deployment.js";
import type { AppState, RevisionState } from "../policies/revisionVerdict.js";
import type { ActivityFailure, TemplateContainer, TrafficWeight } from "./contracts.js";
import { failureOrThrow } from "./azureErrors.js";

/** `<app>--<suffix>`: how Azure names a revision created with an explicit suffix. */
export function revisionNameFor(containerApp: string, revisionSuffix: string): string {
  return `${containerApp}--${revisionSuffix}`;
}

/** Ingress traffic as configured, or undefined when the app has no ingress. */
export function trafficOf(app: ContainerApp): TrafficWeight[] | undefined {
  const ingress = app.configuration?.ingress;
  if (!ingress) return undefined;
  return (ingress.traffic ?? []).map((entry) => {
    const weight: TrafficWeight = { weight: entry.weight ?? 0 };
    if (entry.revisionName) weight.revisionName = entry.revisionName;
    if (entry.latestRevision !== undefined) weight.latestRevision = entry.latestRevision;
    if (entry.label) weight.label = entry.label;
    return weight;
  });
}

/** `Single` or `Multiple` (ARM compares case-insensitively; Single is the default). */
export function revisionsModeOf(app: ContainerApp): "Single" | "Multiple" {
  return app.configuration?.activeRevisionsMode?.toLowerCase() === "multiple" ? "Multiple" : "Single";
}

/** The app-level fields `judgeRevision` reads, plus the app's provisioning state. */
export function appStateOf(app: ContainerApp): AppState & { provisioningState?: string } {
  const state: AppState & { provisioningState?: string } = { activeRevisionsMode: revisionsModeOf(app) };
  if (app.latestReadyRevisionName) state.latestReadyRevisionName = app.latestReadyRevisionName;
  if (app.latestRevisionName) state.latestRevisionName = app.latestRevisionName;
  if (app.provisioningState) state.provisioningState = app.provisioningState;
  return state;
}

/** A revision as `judgeRevision` reads it. */
export function revisionStateOf(revision: Revision): RevisionState {
  const state: RevisionState = { name: revision.name ?? "" };
  if (revision.provisioningState !== undefined) state.provisioningState = revision.provisioningState;
  if (revision.runningState !== undefined) state.runningState = revision.runningState;
  if (revision.healthState !== undefined) state.healthState = revision.healthState;
  if (revision.replicas !== undefined) state.replicas = revision.replicas;
  if (revision.active !== undefined) state.active = revision.active;
  if (revision.trafficWeight !== undefined) state.trafficWeight = revision.trafficWeight;
  if (revision.createdTime !== undefined) state.createdTime = revision.createdTime.toISOString();
  if (revision.provisioningError) state.provisioningError = revision.provisioningError;
  return state;
}

/** The template's containers as plain JSON (what a PATCH sends back), init containers excluded. */
export function containersOf(app: ContainerApp): TemplateContainer[] {
  return (app.template?.containers ?? []).map((container) => {
    const plain = JSON.parse(JSON.stringify(container)) as Record<string, unknown>;
    return { ...plain, name: container.name ?? "", image: container.image ?? "" };
  });
}

/** `ContainerAppNotFound` naming the app, resource group and subscription exactly. */
export function containerAppNotFound(target: DeploymentTarget, error: unknown): ActivityFailure {
  return failureOrThrow(error, `read container app ${target.containerApp}`, {
    code: "ContainerAppNotFound",
    message: `Container app '${target.containerApp}' was not found in resource group '${target.resourceGroup}' of subscription '${target.subscriptionId}'.`,
  });
}

/** Reads the app; a 404 becomes `ContainerAppNotFound`, other non-transient failures keep their ARM code. */
export async function readApp(
  read: () => Promise<ContainerApp>,
  target: DeploymentTarget,
): Promise<{ ok: true; app: ContainerApp } | { ok: false; failure: ActivityFailure }> {
  try {
    return { ok: true, app: await read() };
  } catch (error) {
    const failure = failureOrThrow(error, `read container app ${target.containerApp}`);
    return { ok: false, failure: failure.statusCode === 404 ? containerAppNotFound(target, error) : failure };
  }
}
