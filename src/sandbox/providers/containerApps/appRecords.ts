/**
 * What the Container Apps provider remembers (apps, their long-running operations) and the pure
 * queries over one app that the ARM bodies, the write path and the ingress share.
 */
import type { RevisionBehaviour } from "./behaviours.js";
import { revisionsMode } from "./defaults.js";
import type { JsonObject } from "./json.js";
import { arrayAt, isJsonObject, objectAt, stringAt } from "./json.js";
import { normalizeLocation } from "./naming.js";
import type { RevisionRecord } from "./revisionLifecycle.js";

/** One container app as the sandbox remembers it. */
export interface AppRecord {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
  identity: JsonObject;
  managedEnvironmentId: string;
  workloadProfileName: string;
  /** Normalized configuration; secret values are kept here and stripped when rendered. */
  configuration: JsonObject;
  /** Normalized template plus the explicit `revisionSuffix`, which PATCH merges onto like Azure. */
  template: JsonObject;
  /** In creation order. */
  revisions: RevisionRecord[];
  latestRevisionName: string;
  /** "" until a revision has become ready. */
  latestReadyRevisionName: string;
  defaultDomain: string;
  /** One-shot behaviour for the next revision created. */
  nextBehaviour?: RevisionBehaviour;
  lastOperation?: OperationRecord;
}

/** A PATCH/PUT long-running operation. */
export interface OperationRecord {
  id: string;
  app: AppRecord;
  startedAt: number;
  /** The operation finishes when its revision has provisioned (or failed), at least one poll interval after start. */
  completesAt: number;
  /** The revision this write created, if any. */
  revisionName?: string;
  /** Set when the write was accepted but fails (an image that cannot be pulled): no revision was created. */
  failure?: { code: string; message: string };
}

/** Status of a long-running operation as the operation-status endpoint reports it. */
export type OperationStatus = "InProgress" | "Succeeded" | "Failed";

/** Identifies an app in the programmatic API. */
export interface AppRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** A revision by name, case-insensitively. */
export function findRevision(app: AppRecord, name: string): RevisionRecord | undefined {
  const wanted = name.toLowerCase();
  return app.revisions.find((revision) => revision.name.toLowerCase() === wanted);
}

/**
 * Traffic share of a revision: in Single mode all of it goes to the latest ready revision; in
 * Multiple mode it is the sum of `ingress.traffic` entries naming it (`latestRevision: true`
 * follows the latest ready revision). Inactive revisions get none.
 */
export function revisionTrafficWeight(app: AppRecord, revision: RevisionRecord): number {
  if (!revision.active || revision.behaviour.outcome === "provisioningFails") return 0;
  const isLatestReady = revision.name === app.latestReadyRevisionName;
  if (revisionsMode(app.configuration) === "Single") return isLatestReady ? 100 : 0;
  const traffic = arrayAt(objectAt(app.configuration, "ingress"), "traffic") ?? [{ weight: 100, latestRevision: true }];
  let weight = 0;
  for (const entry of traffic) {
    if (!isJsonObject(entry) || typeof entry["weight"] !== "number") continue;
    const name = stringAt(entry, "revisionName");
    if ((entry["latestRevision"] === true && isLatestReady) || name?.toLowerCase() === revision.name.toLowerCase()) weight += entry["weight"];
  }
  return weight;
}

/** Operation-status and -result URLs use the app's normalized location. */
export function operationLocation(operation: OperationRecord): string {
  return normalizeLocation(operation.app.location);
}
