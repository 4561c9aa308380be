/**
 * ARM response bodies of the Container Apps provider, shaped like the official examples
 * (ContainerApps_Get/_Patch, Revisions_Get/_List): same fields, values from the sandbox state.
 */
import { systemData, type SystemData } from "../../kernel/systemData.js";
import type { JsonObject } from "./json.js";
import { cloneJson, isJsonObject, objectAt } from "./json.js";
import type { AppRecord, OperationRecord, OperationStatus } from "./appRecords.js";
import { operationLocation, revisionTrafficWeight } from "./appRecords.js";
import type { ContainerAppsModel } from "./model.js";
import { containerAppId, normalizeLocation } from "./naming.js";
import {
  revisionStatusAt,
  type RevisionHealthState,
  type RevisionProvisioningState,
  type RevisionRecord,
  type RevisionRunningState,
} from "./revisionLifecycle.js";

/** `properties` of a container app resource. */
export interface ContainerAppProperties {
  provisioningState: "InProgress" | "Succeeded" | "Failed";
  runningStatus: "Running";
  managedEnvironmentId: string;
  environmentId: string;
  workloadProfileName: string;
  latestRevisionName: string;
  latestReadyRevisionName: string;
  latestRevisionFqdn: string;
  configuration: JsonObject;
  template: JsonObject;
  eventStreamEndpoint: string;
}

/** A container app resource (GET / final PATCH result). */
export interface ContainerAppResource {
  id: string;
  name: string;
  type: "Microsoft.App/containerApps";
  location: string;
  tags?: Record<string, string>;
  identity: JsonObject;
  systemData: SystemData;
  properties: ContainerAppProperties;
}

/** `properties` of a revision resource. */
export interface RevisionProperties {
  createdTime: string;
  lastActiveTime: string;
  fqdn: string;
  template: JsonObject;
  trafficWeight: number;
  active: boolean;
  replicas: number;
  runningState: RevisionRunningState;
  provisioningState: RevisionProvisioningState;
  healthState: RevisionHealthState;
  /** Only when provisioning failed. */
  provisioningError?: string;
}

/** A revision resource (Revisions_Get, items of Revisions_List). */
export interface RevisionResource {
  id: string;
  name: string;
  type: "Microsoft.App/containerApps/revisions";
  systemData: SystemData;
  properties: RevisionProperties;
}

/** The operation-status resource ARM's Azure-AsyncOperation URL returns. */
export interface OperationStatusResource {
  id: string;
  name: string;
  status: OperationStatus;
  startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
}

/** When the app was created: its first revision's time for a seeded app, else its first write's. */
function appCreatedAt(app: AppRecord): number {
  return app.revisions[0]?.createdAt ?? app.lastOperation?.startedAt ?? 0;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function hasIngress(app: AppRecord): boolean {
  return isJsonObject(app.configuration["ingress"]);
}

/** Configuration as ARM returns it: ingress gets its fqdn, secrets lose their values. */
function renderConfiguration(app: AppRecord): JsonObject {
  const configuration = cloneJson(app.configuration);
  const ingress = objectAt(configuration, "ingress");
  if (ingress) configuration["ingress"] = { fqdn: `${app.name}.${app.defaultDomain}`, ...ingress };
  const secrets = configuration["secrets"];
  if (Array.isArray(secrets)) {
    configuration["secrets"] = secrets.map((secret) => {
      if (!isJsonObject(secret)) return secret;
      const { value: _value, ...withoutValue } = secret;
      return withoutValue;
    });
  }
  return configuration;
}

/** The container app resource at the model's current time. */
export function renderContainerApp(model: ContainerAppsModel, app: AppRecord): ContainerAppResource {
  const resource: ContainerAppResource = {
    id: containerAppId(app.subscriptionId, app.resourceGroup, app.name),
    name: app.name,
    type: "Microsoft.App/containerApps",
    location: app.location,
    identity: cloneJson(app.identity),
    systemData: systemData(appCreatedAt(app), app.lastOperation?.startedAt ?? appCreatedAt(app)),
    properties: {
      provisioningState: model.appProvisioningState(app),
      runningStatus: "Running",
      managedEnvironmentId: app.managedEnvironmentId,
      environmentId: app.managedEnvironmentId,
      workloadProfileName: app.workloadProfileName,
      latestRevisionName: app.latestRevisionName,
      latestReadyRevisionName: app.latestReadyRevisionName,
      latestRevisionFqdn: hasIngress(app) && app.latestRevisionName ? `${app.latestRevisionName}.${app.defaultDomain}` : "",
      configuration: renderConfiguration(app),
      template: cloneJson(app.template),
      eventStreamEndpoint: `https://${normalizeLocation(app.location)}.azurecontainerapps.dev/subscriptions/${app.subscriptionId}/resourceGroups/${app.resourceGroup}/containerApps/${app.name}/eventstream`,
    },
  };
  if (app.tags) resource.tags = { ...app.tags };
  return resource;
}

/** A revision resource at `now`. */
export function renderRevision(app: AppRecord, revision: RevisionRecord, now: number): RevisionResource {
  const status = revisionStatusAt(revision, now);
  const properties: RevisionProperties = {
    createdTime: iso(revision.createdAt),
    lastActiveTime: iso(revision.active ? now : revision.inactiveSince),
    fqdn: hasIngress(app) ? `${revision.name}.${app.defaultDomain}` : "",
    template: cloneJson(revision.template),
    trafficWeight: revisionTrafficWeight(app, revision),
    active: revision.active,
    replicas: status.replicas,
    runningState: status.runningState,
    provisioningState: status.provisioningState,
    healthState: status.healthState,
  };
  if (status.provisioningError !== undefined) properties.provisioningError = status.provisioningError;
  return {
    id: `${containerAppId(app.subscriptionId, app.resourceGroup, app.name)}/revisions/${revision.name}`,
    name: revision.name,
    type: "Microsoft.App/containerApps/revisions",
    systemData: systemData(revision.createdAt),
    properties,
  };
}

/** The Revisions_List page: every revision, newest last, in one page. */
export function renderRevisionList(app: AppRecord, now: number): { value: RevisionResource[]; nextLink: null } {
  return { value: app.revisions.map((revision) => renderRevision(app, revision, now)), nextLink: null };
}

/** The operation-status resource; a failed provisioning carries Azure's ContainerAppOperationError. */
export function renderOperationStatus(model: ContainerAppsModel, operation: OperationRecord): OperationStatusResource {
  const status = model.operationStatus(operation);
  const resource: OperationStatusResource = {
    id: `/subscriptions/${operation.app.subscriptionId}/providers/Microsoft.App/locations/${operationLocation(operation)}/containerappOperationStatuses/${operation.id}`,
    name: operation.id,
    status,
    startTime: iso(operation.startedAt),
  };
  if (status !== "InProgress") resource.endTime = iso(operation.completesAt);
  if (status === "Failed") resource.error = operationError(operation);
  return resource;
}

/** The error of a failed write: its revision did not provision. */
export function operationError(operation: OperationRecord): { code: string; message: string } {
  if (operation.failure) return { ...operation.failure };
  const revision = operation.app.revisions.find((candidate) => candidate.name === operation.revisionName);
  return {
    code: "ContainerAppOperationError",
    message: `Failed to provision revision for container app '${operation.app.name}'. Error details: ${revision?.behaviour.provisioningError ?? "unknown error"}`,
  };
}
