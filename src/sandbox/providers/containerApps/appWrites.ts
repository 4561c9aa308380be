/**
 * The Container Apps write path: seeding an app, PATCH (merge) and PUT (create or replace). A write
 * is validated whole before anything changes, decides whether it creates a revision, and starts the
 * long-running operation the SDK then polls.
 */
import { resolveBehaviour } from "./behaviours.js";
import type { AppRecord, AppRef, OperationRecord } from "./appRecords.js";
import { findRevision } from "./appRecords.js";
import { normalizeConfiguration, normalizeIdentity, normalizeTemplate, revisionsMode, storedTemplate } from "./defaults.js";
import { appAlreadyExists, invalidField, invalidRequestContent } from "./errors.js";
import type { JsonObject } from "./json.js";
import { arrayAt, isJsonObject, jsonEqual, mergePatch, objectAt, stringAt, toJson } from "./json.js";
import type { ContainerAppsModel } from "./model.js";
import { appKey, environmentDefaultDomain, generatedSuffix, managedEnvironmentId, revisionName, revisionSuffixProblem } from "./naming.js";
import { containerAppEnvelopeSchema, containerAppNameSchema, describeIssues, seedAppSchema, type SeedAppOptions } from "./requestSchemas.js";
import type { WriteFailure } from "./imagePull.js";
import { provisionedAt, type RevisionRecord } from "./revisionLifecycle.js";

interface RevisionPlan {
  storedTemplate: JsonObject;
  create?: { suffix: string; template: JsonObject };
}

/** Creates an app whose single revision is already Provisioned, Running and Healthy. */
export function seedApp(model: ContainerAppsModel, options: SeedAppOptions): AppRecord {
  const parsed = seedAppSchema.safeParse(options);
  if (!parsed.success) throw invalidRequestContent(describeIssues(parsed.error));
  if (model.hasApp(options)) throw appAlreadyExists(options.name);
  const location = options.location ?? "East US";
  const environmentId = managedEnvironmentId(options.subscriptionId, options.resourceGroup, options.environmentName ?? "sandbox-env");
  const ingress = options.ingress === undefined ? { external: true, targetPort: 80 } : options.ingress;
  const configuration: JsonObject = { ...(toJson(options.configuration ?? {}) as JsonObject) };
  configuration["activeRevisionsMode"] = options.activeRevisionsMode ?? stringAt(configuration, "activeRevisionsMode") ?? "Single";
  if (ingress) configuration["ingress"] = toJson(ingress);
  if (options.registries) configuration["registries"] = toJson(options.registries);
  const template: JsonObject = { ...(toJson(options.template ?? {}) as JsonObject), containers: toJson(options.containers) };
  if (options.initContainers) template["initContainers"] = toJson(options.initContainers);
  const suffix = options.revisionSuffix ?? generatedSuffix(model.context.newId());
  const problem = revisionSuffixProblem(options.name, suffix);
  if (problem) throw invalidField(options.name, "template.revisionSuffix", suffix, problem);

  const app = newAppRecord({
    ...options,
    location,
    environmentId,
    configuration,
    identity: options.identity ? (toJson(options.identity) as JsonObject) : undefined,
  });
  app.template = storedTemplate(template, options.revisionSuffix);
  // Created far enough in the past that it is already ready, with the default durations.
  const behaviour = resolveBehaviour(undefined, model.context.durations);
  const { provisioning, activating, healthy } = behaviour.durations;
  const createdAt = model.now() - provisioning - activating - healthy;
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
  model.addApp(app);
  return app;
}

/**
 * The template and configuration a PATCH (merge) or PUT (replace) would leave the app with, for the
 * image check that runs before the write; undefined when the write will be refused anyway.
 */
export function previewWrite(model: ContainerAppsModel, ref: AppRef, body: unknown, mode: "merge" | "replace"): { template: JsonObject; configuration: JsonObject } | undefined {
  if (!isJsonObject(body)) return undefined;
  const app = model.findApp(ref);
  const properties = objectAt(body, "properties");
  const configurationPatch = objectAt(properties, "configuration");
  const templatePatch = objectAt(properties, "template");
  if (mode === "replace" || !app) return templatePatch ? { template: templatePatch, configuration: configurationPatch ?? {} } : undefined;
  return {
    template: templatePatch ? (mergePatch(app.template, templatePatch) as JsonObject) : app.template,
    configuration: configurationPatch ? (mergePatch(app.configuration, configurationPatch) as JsonObject) : app.configuration,
  };
}

/**
 * PATCH: JSON-merges the envelope into the app, creating a revision when the template changed. With
 * `imageFailure` (an image of the new template cannot be pulled), the write is recorded but creates
 * no revision, and its operation ends Failed with that error, as on Azure.
 */
export function updateApp(model: ContainerAppsModel, ref: AppRef, body: unknown, imageFailure?: WriteFailure): OperationRecord {
  const app = model.requireApp(ref);
  model.ensureIdle(app);
  return applyWrite(model, app, parseEnvelope(body), "merge", imageFailure);
}

/** PUT: creates the app (first revision goes through the full lifecycle) or replaces its definition. */
export function createOrUpdateApp(
  model: ContainerAppsModel,
  ref: AppRef,
  body: unknown,
  imageFailure?: WriteFailure,
): { app: AppRecord; created: boolean; operation: OperationRecord } {
  const envelope = parseEnvelope(body);
  const existing = model.findApp(ref);
  if (existing) {
    model.ensureIdle(existing);
    return { app: existing, created: false, operation: applyWrite(model, existing, envelope, "replace", imageFailure) };
  }
  const nameCheck = containerAppNameSchema.safeParse(ref.name);
  if (!nameCheck.success) throw invalidRequestContent(describeIssues(nameCheck.error));
  const properties = objectAt(envelope, "properties");
  const location = stringAt(envelope, "location");
  const environmentId = stringAt(properties, "managedEnvironmentId") ?? stringAt(properties, "environmentId");
  if (!location) throw invalidRequestContent("location: required");
  if (!environmentId) throw invalidRequestContent("properties.environmentId: required");
  if (!isJsonObject(properties?.["template"])) throw invalidRequestContent("properties.template: required");
  const app = newAppRecord({
    ...ref,
    location,
    environmentId,
    workloadProfileName: stringAt(properties, "workloadProfileName"),
    configuration: objectAt(properties, "configuration") ?? {},
    identity: objectAt(envelope, "identity"),
    tags: tagsOf(envelope),
  });
  const operation = applyWrite(model, app, envelope, "replace", imageFailure);
  model.addApp(app);
  return { app, created: true, operation };
}

function newAppRecord(input: {
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

/** Validates the whole write first, then commits it; a refused write changes nothing. */
function applyWrite(model: ContainerAppsModel, app: AppRecord, envelope: JsonObject, mode: "merge" | "replace", imageFailure?: WriteFailure): OperationRecord {
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
  const plan = planRevision(model, app, template);
  const trafficPatched = mode === "replace" || Array.isArray(objectAt(configurationPatch, "ingress")?.["traffic"]);
  if (trafficPatched) validateTraffic(app, configuration, plan);

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
  // A revision whose images cannot be pulled is never created; the accepted write's operation fails.
  if (plan.create && imageFailure) return startOperation(model, app, undefined, imageFailure);
  const revision = plan.create ? addRevision(model, app, plan.create.suffix, plan.create.template) : undefined;
  return startOperation(model, app, revision);
}

/**
 * Decides whether the write creates a revision. Explicit suffix: an existing revision with that
 * suffix and the same template makes it a no-op, a different template is refused (Azure: "revision
 * with suffix ... already exists"). No suffix: a new revision only if the template changed.
 */
function planRevision(model: ContainerAppsModel, app: AppRecord, template: JsonObject): RevisionPlan {
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
  return { storedTemplate: stored, create: { suffix: freshSuffix(model, app), template: normalized } };
}

function freshSuffix(model: ContainerAppsModel, app: AppRecord): string {
  for (;;) {
    const suffix = generatedSuffix(model.context.newId());
    if (!findRevision(app, revisionName(app.name, suffix))) return suffix;
  }
}

/** Multiple mode: traffic entries name existing, active revisions (or the latest) and add up to 100. */
function validateTraffic(app: AppRecord, configuration: JsonObject, plan: RevisionPlan): void {
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

function addRevision(model: ContainerAppsModel, app: AppRecord, suffix: string, template: JsonObject): RevisionRecord {
  const behaviour = app.nextBehaviour ?? model.imageBehaviourFor(template);
  app.nextBehaviour = undefined;
  const now = model.now();
  const revision: RevisionRecord = {
    name: revisionName(app.name, suffix),
    suffix,
    template,
    createdAt: now,
    behaviour: resolveBehaviour(behaviour, model.context.durations),
    active: true,
    restarts: 0,
    inactiveSince: now,
    readinessApplied: false,
  };
  app.revisions.push(revision);
  app.latestRevisionName = revision.name;
  return revision;
}

function startOperation(model: ContainerAppsModel, app: AppRecord, revision: RevisionRecord | undefined, failure?: WriteFailure): OperationRecord {
  const now = model.now();
  const operation: OperationRecord = {
    id: model.context.newId(),
    app,
    startedAt: now,
    completesAt: Math.max(now + model.context.durations.lroPoll, revision ? provisionedAt(revision) : now),
    revisionName: revision?.name,
    ...(failure ? { failure: { ...failure } } : {}),
  };
  model.addOperation(operation);
  app.lastOperation = operation;
  return operation;
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
