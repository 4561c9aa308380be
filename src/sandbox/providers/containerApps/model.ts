/**
 * The Container Apps state: apps, their long-running operations and behaviour faults, and the
 * lookups every route starts from. Time-driven changes (a revision becoming ready, Single-mode
 * hand-over, an operation finishing) are computed lazily from `context.clock.now()`: every lookup
 * first settles the app up to now, so nothing depends on timers firing. Writes live in
 * `appWrites.ts`, revision actions in `revisionActions.ts`.
 */
import type { SandboxContext } from "../../kernel/types.js";
import type { AppRecord, AppRef, OperationRecord, OperationStatus } from "./appRecords.js";
import { findRevision } from "./appRecords.js";
import type { RevisionBehaviour } from "./behaviours.js";
import { revisionsMode } from "./defaults.js";
import { appNotFound, BUSY_CODES, operationInProgress, operationNotFound, revisionNotFound, type BusyCode } from "./errors.js";
import type { JsonObject } from "./json.js";
import { arrayAt, isJsonObject, stringAt } from "./json.js";
import { appKey } from "./naming.js";
import { readyAt, type RevisionRecord } from "./revisionLifecycle.js";

/** An operation as saved: its app by key, not by reference. */
interface OperationSnapshot extends Omit<OperationRecord, "app"> {
  appKey: string;
}

/** The model as saved by a persistent sandbox (JSON-able). */
export interface ContainerAppsSnapshot {
  apps: (Omit<AppRecord, "lastOperation"> & { lastOperationId?: string })[];
  operations: OperationSnapshot[];
  imageBehaviours: { image: string; behaviour: RevisionBehaviour }[];
  /** Absent in states saved before the setting existed. */
  busyCode?: BusyCode;
}

/** The provider's state and the lookups over it. */
export class ContainerAppsModel {
  private readonly apps = new Map<string, AppRecord>();
  private readonly operations = new Map<string, OperationRecord>();
  private readonly imageBehaviours = new Map<string, RevisionBehaviour>();
  /** The code a write to a busy app is refused with (scenario setting). */
  private busy: BusyCode = "ContainerAppOperationInProgress";

  constructor(readonly context: SandboxContext) {}

  /** Forgets every app, operation and behaviour fault. */
  reset(): void {
    this.apps.clear();
    this.operations.clear();
    this.imageBehaviours.clear();
    this.busy = "ContainerAppOperationInProgress";
  }

  /** The code a write to a busy app is refused with. */
  get busyCode(): BusyCode {
    return this.busy;
  }

  /** Chooses the code a write to a busy app is refused with (one of {@link BUSY_CODES}). */
  setBusyCode(code: BusyCode): void {
    if (!BUSY_CODES.includes(code)) throw new Error(`unknown busy code ${String(code)}`);
    this.busy = code;
  }

  /** Everything the model holds, as JSON-able data. */
  snapshot(): ContainerAppsSnapshot {
    return {
      apps: [...this.apps.values()].map(({ lastOperation, ...app }) => ({ ...app, ...(lastOperation ? { lastOperationId: lastOperation.id } : {}) })),
      operations: [...this.operations.values()].map(({ app, ...operation }) => ({ ...operation, appKey: appKey(app.subscriptionId, app.resourceGroup, app.name) })),
      imageBehaviours: this.listImageBehaviours(),
      busyCode: this.busy,
    };
  }

  /** Replaces the state with a {@link snapshot} of an earlier run. */
  restore(snapshot: ContainerAppsSnapshot): void {
    this.reset();
    for (const { lastOperationId: _lastOperationId, ...app } of snapshot.apps) this.addApp(app);
    for (const { appKey: key, ...operation } of snapshot.operations) {
      const app = this.apps.get(key);
      if (!app) throw new Error(`operation ${operation.id} names unknown app ${key}`);
      this.addOperation({ ...operation, app });
    }
    for (const saved of snapshot.apps) {
      if (saved.lastOperationId === undefined) continue;
      const app = this.apps.get(appKey(saved.subscriptionId, saved.resourceGroup, saved.name));
      const operation = this.operations.get(saved.lastOperationId.toLowerCase());
      if (app && operation) app.lastOperation = operation;
    }
    for (const { image, behaviour } of snapshot.imageBehaviours) this.imageBehaviours.set(image, behaviour);
    if (snapshot.busyCode !== undefined) this.busy = snapshot.busyCode;
  }

  /** The sandbox clock's current time (epoch ms). */
  now(): number {
    return this.context.clock.now();
  }

  /** Whether the app exists (no settling). */
  hasApp(ref: AppRef): boolean {
    return this.apps.has(appKey(ref.subscriptionId, ref.resourceGroup, ref.name));
  }

  /** Remembers a new app (the write path has validated it). */
  addApp(app: AppRecord): void {
    this.apps.set(appKey(app.subscriptionId, app.resourceGroup, app.name), app);
  }

  /** Remembers a started write operation so its status URL answers. */
  addOperation(operation: OperationRecord): void {
    this.operations.set(operation.id.toLowerCase(), operation);
  }

  /** The app, settled up to now, or undefined. */
  findApp(ref: AppRef): AppRecord | undefined {
    const app = this.apps.get(appKey(ref.subscriptionId, ref.resourceGroup, ref.name));
    if (app) this.settle(app);
    return app;
  }

  /** The app, settled up to now, or a 404 ARM error. */
  requireApp(ref: AppRef): AppRecord {
    const app = this.findApp(ref);
    if (!app) throw appNotFound(ref.resourceGroup, ref.name);
    return app;
  }

  /** A revision of the app by name (case-insensitive), or a 404 ARM error. */
  requireRevision(app: AppRecord, name: string): RevisionRecord {
    const revision = findRevision(app, name);
    if (!revision) throw revisionNotFound(app.resourceGroup, app.name, name);
    return revision;
  }

  /** Refuses a write while the app's last operation is still running (409, as Azure). */
  ensureIdle(app: AppRecord): void {
    if (app.lastOperation && this.now() < app.lastOperation.completesAt) {
      throw operationInProgress(app.name, app.managedEnvironmentId.split("/").at(-1) ?? app.managedEnvironmentId, this.busy);
    }
  }

  /** A long-running operation by id, or a 404 ARM error. */
  requireOperation(operationId: string): OperationRecord {
    const operation = this.operations.get(operationId.toLowerCase());
    if (!operation) throw operationNotFound(operationId);
    this.settle(operation.app);
    return operation;
  }

  /** InProgress until the operation's revision has provisioned; Failed if that provisioning failed. */
  operationStatus(operation: OperationRecord): OperationStatus {
    if (this.now() < operation.completesAt) return "InProgress";
    if (operation.failure) return "Failed";
    const revision = operation.revisionName ? findRevision(operation.app, operation.revisionName) : undefined;
    return revision?.behaviour.outcome === "provisioningFails" ? "Failed" : "Succeeded";
  }

  /** The app's `provisioningState`: follows its last write operation. */
  appProvisioningState(app: AppRecord): "InProgress" | "Succeeded" | "Failed" {
    return app.lastOperation ? this.operationStatus(app.lastOperation) : "Succeeded";
  }

  /** Makes the next revision created for the app follow `behaviour` (undefined clears it). */
  setNextRevisionBehaviour(ref: AppRef, behaviour: RevisionBehaviour | undefined): void {
    this.requireApp(ref).nextBehaviour = behaviour;
  }

  /** Makes every future revision using `image` (exact, or `@<digest>` when keyed by digest) follow `behaviour`. */
  setImageBehaviour(image: string, behaviour: RevisionBehaviour | undefined): void {
    if (behaviour) this.imageBehaviours.set(image, behaviour);
    else this.imageBehaviours.delete(image);
  }

  /** The image behaviour faults in force. */
  listImageBehaviours(): { image: string; behaviour: RevisionBehaviour }[] {
    return [...this.imageBehaviours].map(([image, behaviour]) => ({ image, behaviour }));
  }

  /** The image behaviour a new revision with this template follows, if any of its images has one. */
  imageBehaviourFor(template: JsonObject): RevisionBehaviour | undefined {
    const images = [...(arrayAt(template, "containers") ?? []), ...(arrayAt(template, "initContainers") ?? [])]
      .map((container) => (isJsonObject(container) ? stringAt(container, "image") : undefined))
      .filter((image): image is string => image !== undefined);
    for (const image of images) {
      const exact = this.imageBehaviours.get(image);
      if (exact) return exact;
      for (const [key, behaviour] of this.imageBehaviours) if (image.endsWith(`@${key}`)) return behaviour;
    }
    return undefined;
  }

  /** The resource groups apps live in (no settling). */
  resourceGroups(): { subscriptionId: string; resourceGroup: string }[] {
    return [...this.apps.values()].map((app) => ({ subscriptionId: app.subscriptionId, resourceGroup: app.resourceGroup }));
  }

  /** All apps, settled up to now. */
  listApps(): AppRecord[] {
    const apps = [...this.apps.values()];
    for (const app of apps) this.settle(app);
    return apps;
  }

  /**
   * Applies "revision became ready" events up to now, in time order: the newest ready revision
   * becomes `latestReadyRevisionName`, and in Single mode the older active revisions are
   * deactivated at that moment (the old one keeps serving until the new one is ready, as on Azure).
   */
  settle(app: AppRecord): void {
    const now = this.now();
    for (;;) {
      let next: RevisionRecord | undefined;
      let nextAt = Number.POSITIVE_INFINITY;
      for (const revision of app.revisions) {
        if (revision.readinessApplied) continue;
        const at = readyAt(revision);
        if (at !== undefined && at <= now && at < nextAt) {
          next = revision;
          nextAt = at;
        }
      }
      if (!next) return;
      next.readinessApplied = true;
      const index = app.revisions.indexOf(next);
      const readyIndex = app.revisions.findIndex((revision) => revision.name === app.latestReadyRevisionName);
      if (index <= readyIndex) continue;
      app.latestReadyRevisionName = next.name;
      if (revisionsMode(app.configuration) !== "Single") continue;
      for (const older of app.revisions.slice(0, index)) {
        if (!older.active) continue;
        older.active = false;
        older.inactiveSince = nextAt;
      }
    }
  }
}
