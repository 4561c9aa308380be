/**
 * The Container Apps state machine: apps, their revisions, long-running operations and behaviour
 * faults. Time-driven changes (a revision becoming ready, Single-mode hand-over, an operation
 * finishing) are computed lazily from `context.clock.now()`: every read and write first settles the
 * app up to now, so nothing depends on timers firing.
 */
import type { SandboxContext } from "../../kernel/types.js";
import { resolveBehaviour, type RevisionBehaviour } from "./behaviours.js";
import { normalizeConfiguration, normalizeIdentity, normalizeTemplate, revisionsMode, storedTemplate } from "./defaults.js";
import {
  appAlreadyExists,
  appNotFound,
  invalidField,
  invalidRequestContent,
  invalidRevisionOperation,
  operationInProgress,
  operationNotFound,
  revisionNotFound,
} from "./errors.js";
import type { JsonObject } from "./json.js";
import { arrayAt, isJsonObject, jsonEqual, mergePatch, objectAt, stringAt, toJson } from "./json.js";
import {
  appKey,
  environmentDefaultDomain,
  generatedSuffix,
  managedEnvironmentId,
  normalizeLocation,
  revisionName,
  revisionSuffixProblem,
} from "./naming.js";
import { containerAppEnvelopeSchema, containerAppNameSchema, describeIssues, seedAppSchema, type SeedAppOptions } from "./requestSchemas.js";
import { provisionedAt, readyAt, revisionStatusAt, type RevisionRecord } from "./revisionLifecycle.js";

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
}

/** Status of a long-running operation as the operation-status endpoint reports it. */
export type OperationStatus = "InProgress" | "Succeeded" | "Failed";

/** Identifies an app in the programmatic API. */
export interface AppRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

interface RevisionPlan {
  storedTemplate: JsonObject;
  create?: { suffix: string; template: JsonObject };
}

/** The provider's state and the rules that move it. */
export class ContainerAppsModel {
  private readonly apps = new Map<string, AppRecord>();
  private readonly operations = new Map<string, OperationRecord>();
  private readonly imageBehaviours = new Map<string, RevisionBehaviour>();

  constructor(private readonly context: SandboxContext) {}

  /** Forgets every app, operation and behaviour fault. */
  reset(): void {
    this.apps.clear();
    this.operations.clear();
    this.imageBehaviours.clear();
  }

  /** The sandbox clock's current time (epoch ms). */
  now(): number {
    return this.context.clock.now();
  }

  /** Creates an app whose single revision is already Provisioned, Running and Healthy. */
  seedApp(options: SeedAppOptions): AppRecord {
    const parsed = seedAppSchema.safeParse(options);
    if (!parsed.success) throw invalidRequestContent(describeIssues(parsed.error));
    const key = appKey(options.subscriptionId, options.resourceGroup, options.name);
    if (this.apps.has(key)) throw appAlreadyExists(options.name);
    const location = options.location ?? "East US";
    const environmentId = managedEnvironmentId(options.subscriptionId, options.resourceGroup, options.environmentName ?? "sandbox-env");
    const ingress = options.ingress === undefined ? { external: true, targetPort: 80 } : options.ingress;
    const configuration: JsonObject = { ...(toJson(options.configuration ?? {}) as JsonObject) };
    configuration["activeRevisionsMode"] = options.activeRevisionsMode ?? stringAt(configuration, "activeRevisionsMode") ?? "Single";
    if (ingress) configuration["ingress"] = toJson(ingress);
    if (options.registries) configuration["registries"] = toJson(options.registries);
    const template: JsonObject = { ...(toJson(options.template ?? {}) as JsonObject), containers: toJson(options.containers) };
    if (options.initContainers) template["initContainers"] = toJson(options.initContainers);
    const suffix = options.revisionSuffix ?? generatedSuffix(this.context.newId());
    const problem = revisionSuffixProblem(options.name, suffix);
    if (problem) throw invalidField(options.name, "template.revisionSuffix", suffix, problem);

    const app = this.newAppRecord({
      ...options,
      location,
      environmentId,
      configuration,
      identity: options.identity ? (toJson(options.identity) as JsonObject) : undefined,
    });
    app.template = storedTemplate(template, options.revisionSuffix);
    // Created far enough in the past that it is already ready, with the default durations.
    const behaviour = resolveBehaviour(undefined, this.context.durations);
    const { provisioning, activating, healthy } = behaviour.durations;
    const createdAt = this.now() - provisioning - activating - healthy;
    const revision: RevisionRecord = {
      name: revisionName(options.name, suffix),
      suffix,
      template: normalizeTemplate(template),
      createdAt,
      behaviour,
      active: true,
      restarts: 0,
      inactiveSince: createdAt,
      readinessApplied: true,
    };
    app.revisions.push(revision);
    app.latestRevisionName = revision.name;
    app.latestReadyRevisionName = revision.name;
    this.apps.set(key, app);
    return app;
  }

  private newAppRecord(input: {
    subscriptionId: string;
    resourceGroup: string;
    name: string;
    location: string;
    environmentId: string;
    workloadProfileName?: string;
    configuration: JsonObject;
    identity?: JsonObject;
    tags?: Record<string, string>;
  }): AppRecord {
    return {
      subscriptionId: input.subscriptionId,
      resourceGroup: input.resourceGroup,
      name: input.name,
      location: input.location,
      tags: input.tags ? { ...input.tags } : undefined,
      identity: normalizeIdentity(input.identity, appKey(input.subscriptionId, input.resourceGroup, input.name)),
      managedEnvironmentId: input.environmentId,
      workloadProfileName: input.workloadProfileName ?? "Consumption",
      configuration: normalizeConfiguration(input.configuration),
      template: {},
      revisions: [],
      latestRevisionName: "",
      latestReadyRevisionName: "",
      defaultDomain: environmentDefaultDomain(input.environmentId, input.location),
    };
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

  /** PATCH: JSON-merges the envelope into the app, creating a revision when the template changed. */
  update(ref: AppRef, body: unknown): OperationRecord {
    const app = this.requireApp(ref);
    this.ensureIdle(app);
    return this.applyWrite(app, parseEnvelope(body), "merge");
  }

  /** PUT: creates the app (first revision goes through the full lifecycle) or replaces its definition. */
  createOrUpdate(ref: AppRef, body: unknown): { app: AppRecord; created: boolean; operation: OperationRecord } {
    const envelope = parseEnvelope(body);
    const existing = this.findApp(ref);
    if (existing) {
      this.ensureIdle(existing);
      return { app: existing, created: false, operation: this.applyWrite(existing, envelope, "replace") };
    }
    const nameCheck = containerAppNameSchema.safeParse(ref.name);
    if (!nameCheck.success) throw invalidRequestContent(describeIssues(nameCheck.error));
    const properties = objectAt(envelope, "properties");
    const location = stringAt(envelope, "location");
    const environmentId = stringAt(properties, "managedEnvironmentId") ?? stringAt(properties, "environmentId");
    if (!location) throw invalidRequestContent("location: required");
    if (!environmentId) throw invalidRequestContent("properties.environmentId: required");
    if (!isJsonObject(properties?.["template"])) throw invalidRequestContent("properties.template: required");
    const app = this.newAppRecord({
      ...ref,
      location,
      environmentId,
      workloadProfileName: stringAt(properties, "workloadProfileName"),
      configuration: objectAt(properties, "configuration") ?? {},
      identity: objectAt(envelope, "identity"),
      tags: tagsOf(envelope),
    });
    const operation = this.applyWrite(app, envelope, "replace");
    this.apps.set(appKey(ref.subscriptionId, ref.resourceGroup, ref.name), app);
    return { app, created: true, operation };
  }

  private ensureIdle(app: AppRecord): void {
    if (app.lastOperation && this.now() < app.lastOperation.completesAt) throw operationInProgress(app.name);
  }

  /** Validates the whole write first, then commits it; a refused write changes nothing. */
  private applyWrite(app: AppRecord, envelope: JsonObject, mode: "merge" | "replace"): OperationRecord {
    const properties = objectAt(envelope, "properties");
    const configurationPatch = objectAt(properties, "configuration");
    const templatePatch = objectAt(properties, "template");
    const configuration = normalizeConfiguration(
      mode === "replace"
        ? (configurationPatch ?? {})
        : configurationPatch
          ? (mergePatch(app.configuration, configurationPatch) as JsonObject)
          : app.configuration,
    );
    const template = templatePatch ? (mode === "replace" ? templatePatch : (mergePatch(app.template, templatePatch) as JsonObject)) : app.template;
    const containers = arrayAt(template, "containers");
    if (!containers || containers.length === 0) throw invalidRequestContent("properties.template.containers: at least one container is required");
    const plan = this.planRevision(app, template);
    const trafficPatched = mode === "replace" || Array.isArray(objectAt(configurationPatch, "ingress")?.["traffic"]);
    if (trafficPatched) this.validateTraffic(app, configuration, plan);

    app.configuration = configuration;
    app.template = plan.storedTemplate;
    if (envelope["tags"] !== undefined || mode === "replace") app.tags = tagsOf(envelope);
    const identity = objectAt(envelope, "identity");
    if (identity) app.identity = normalizeIdentity(
        mode === "merge" ? (mergePatch(app.identity, identity) as JsonObject) : identity,
        appKey(app.subscriptionId, app.resourceGroup, app.name),
      );
    const workloadProfileName = stringAt(properties, "workloadProfileName");
    if (workloadProfileName) app.workloadProfileName = workloadProfileName;
    const revision = plan.create ? this.addRevision(app, plan.create.suffix, plan.create.template) : undefined;
    return this.startOperation(app, revision);
  }

  /**
   * Decides whether the write creates a revision. Explicit suffix: an existing revision with that
   * suffix and the same template makes it a no-op, a different template is refused (Azure: "revision
   * with suffix ... already exists"). No suffix: a new revision only if the template changed.
   */
  private planRevision(app: AppRecord, template: JsonObject): RevisionPlan {
    const rawSuffix = stringAt(template, "revisionSuffix");
    const suffix = rawSuffix ? rawSuffix : undefined;
    const normalized = normalizeTemplate(template);
    const stored = storedTemplate(template, suffix);
    if (suffix !== undefined) {
      const problem = revisionSuffixProblem(app.name, suffix);
      if (problem) throw invalidField(app.name, "template.revisionSuffix", suffix, problem);
      const existing = findRevision(app, revisionName(app.name, suffix));
      if (existing) {
        if (jsonEqual(existing.template, normalized)) return { storedTemplate: stored };
        throw invalidField(app.name, "template.revisionSuffix", suffix, `revision with suffix ${suffix} already exists`);
      }
      return { storedTemplate: stored, create: { suffix, template: normalized } };
    }
    const latest = app.revisions.at(-1);
    if (latest && jsonEqual(latest.template, normalized)) return { storedTemplate: stored };
    return { storedTemplate: stored, create: { suffix: this.freshSuffix(app), template: normalized } };
  }

  private freshSuffix(app: AppRecord): string {
    for (;;) {
      const suffix = generatedSuffix(this.context.newId());
      if (!findRevision(app, revisionName(app.name, suffix))) return suffix;
    }
  }

  /** Multiple mode: traffic entries name existing, active revisions (or the latest) and add up to 100. */
  private validateTraffic(app: AppRecord, configuration: JsonObject, plan: RevisionPlan): void {
    if (revisionsMode(configuration) !== "Multiple") return;
    const traffic = arrayAt(objectAt(configuration, "ingress"), "traffic");
    if (!traffic) return;
    const plannedName = plan.create ? revisionName(app.name, plan.create.suffix) : undefined;
    const refuse = (value: string, detail: string): never => {
      throw invalidField(app.name, "configuration.ingress.traffic", value, detail);
    };
    let total = 0;
    for (const entry of traffic) {
      if (!isJsonObject(entry)) return refuse(JSON.stringify(entry), "a traffic entry must be an object");
      const name = stringAt(entry, "revisionName");
      const latest = entry["latestRevision"] === true;
      const weight = typeof entry["weight"] === "number" ? entry["weight"] : 0;
      if (latest === Boolean(name)) refuse(JSON.stringify(entry), "a traffic entry needs exactly one of revisionName or latestRevision: true");
      if (name && !(plannedName && plannedName.toLowerCase() === name.toLowerCase())) {
        const revision = findRevision(app, name);
        if (!revision) refuse(name, `revision ${name} not found`);
        else if (!revision.active && weight > 0) refuse(name, `revision ${name} is not active; activate it before assigning traffic`);
      }
      total += weight;
    }
    if (total !== 100) refuse(String(total), "the traffic weights of all revisions must add up to 100");
  }

  private addRevision(app: AppRecord, suffix: string, template: JsonObject): RevisionRecord {
    const behaviour = app.nextBehaviour ?? this.imageBehaviourFor(template);
    app.nextBehaviour = undefined;
    const now = this.now();
    const revision: RevisionRecord = {
      name: revisionName(app.name, suffix),
      suffix,
      template,
      createdAt: now,
      behaviour: resolveBehaviour(behaviour, this.context.durations),
      active: true,
      restarts: 0,
      inactiveSince: now,
      readinessApplied: false,
    };
    app.revisions.push(revision);
    app.latestRevisionName = revision.name;
    return revision;
  }

  private imageBehaviourFor(template: JsonObject): RevisionBehaviour | undefined {
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

  private startOperation(app: AppRecord, revision: RevisionRecord | undefined): OperationRecord {
    const now = this.now();
    const operation: OperationRecord = {
      id: this.context.newId(),
      app,
      startedAt: now,
      completesAt: Math.max(now + this.context.durations.lroPoll, revision ? provisionedAt(revision) : now),
      revisionName: revision?.name,
    };
    this.operations.set(operation.id.toLowerCase(), operation);
    app.lastOperation = operation;
    return operation;
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
    const revision = operation.revisionName ? findRevision(operation.app, operation.revisionName) : undefined;
    return revision?.behaviour.outcome === "provisioningFails" ? "Failed" : "Succeeded";
  }

  /** The app's `provisioningState`: follows its last write operation. */
  appProvisioningState(app: AppRecord): "InProgress" | "Succeeded" | "Failed" {
    return app.lastOperation ? this.operationStatus(app.lastOperation) : "Succeeded";
  }

  /** POST restart: starts a new activation cycle; `unhealthyUntilRestarted` heals from here. */
  restartRevision(app: AppRecord, revision: RevisionRecord): void {
    const status = revisionStatusAt(revision, this.now());
    if (status.provisioningState !== "Provisioned") {
      throw invalidRevisionOperation(`Cannot restart revision '${revision.name}' while its provisioning state is '${status.provisioningState}'.`);
    }
    if (!revision.active) throw invalidRevisionOperation(`Cannot restart revision '${revision.name}' because it is not active.`);
    revision.restarts += 1;
    revision.cycleStartedAt = this.now();
    revision.readinessApplied = false;
    this.settle(app);
  }

  /** POST activate: an inactive revision starts its replicas again. */
  activateRevision(app: AppRecord, revision: RevisionRecord): void {
    if (revision.active) return;
    revision.active = true;
    revision.cycleStartedAt = this.now();
    revision.readinessApplied = false;
    this.settle(app);
  }

  /** POST deactivate: replicas go to zero; traffic configuration is left as it is (as on Azure). */
  deactivateRevision(app: AppRecord, revision: RevisionRecord): void {
    if (!revision.active) return;
    revision.active = false;
    revision.inactiveSince = this.now();
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
  private settle(app: AppRecord): void {
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

function parseEnvelope(body: unknown): JsonObject {
  if (!isJsonObject(body)) throw invalidRequestContent("the body must be a ContainerApp JSON object");
  const parsed = containerAppEnvelopeSchema.safeParse(body);
  if (!parsed.success) throw invalidRequestContent(describeIssues(parsed.error));
  return toJson(body) as JsonObject;
}

function tagsOf(envelope: JsonObject): Record<string, string> | undefined {
  const tags = objectAt(envelope, "tags");
  if (!tags) return undefined;
  return Object.fromEntries(Object.entries(tags).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}
