/**
 * The ARM routes of Microsoft.App the provider serves: container app GET/PATCH/PUT, the PATCH/PUT
 * long-running operation (status + result URLs, as Azure hands out in `azure-asyncoperation` and
 * `location`), and revisions GET/LIST/restart/activate/deactivate.
 */
import { CONTAINER_APPS_API_VERSIONS } from "./apiVersions.js";
import { armError, type SandboxContext, type SandboxReply, type SandboxRequest, type SandboxRoute } from "../../kernel/types.js";
import { parseFilter, type FilterRecord } from "../../kernel/odataFilter.js";
import { operationError, renderContainerApp, renderOperationStatus, renderRevision, renderRevisionList, type RevisionProperties } from "./armBodies.js";
import { ArmRequestError, operationNotFound } from "./errors.js";
import type { AppRecord, AppRef, OperationRecord } from "./appRecords.js";
import { operationLocation } from "./appRecords.js";
import { createOrUpdateApp, previewWrite, updateApp } from "./appWrites.js";
import { imagePullFailure, type ImageRegistries, type WriteFailure } from "./imagePull.js";
import type { ContainerAppsModel } from "./model.js";
import { activateRevision, deactivateRevision, restartRevision } from "./revisionActions.js";
import type { RevisionRecord } from "./revisionLifecycle.js";

const appTemplate = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.App/containerApps/{containerAppName}";
const revisionTemplate = `${appTemplate}/revisions/{revisionName}`;
const locationTemplate = "/subscriptions/{subscriptionId}/providers/Microsoft.App/locations/{location}";

/** The api-version the SDK (`@azure/arm-appcontainers` 4.0.0) sends when a request has none. */
const defaultApiVersion = "2026-07-01";

/** The revision properties `$filter` can name on Revisions_List. */
const REVISION_FILTER_PROPERTIES = ["name", "active", "provisioningState", "runningState", "healthState", "trafficWeight", "replicas", "createdTime"];

/** A revision's filterable values. */
function revisionFilterRecord(properties: RevisionProperties): FilterRecord {
  const { active, provisioningState, runningState, healthState, trafficWeight, replicas, createdTime } = properties;
  return { active, provisioningState, runningState, healthState, trafficWeight, replicas, createdTime };
}

/** Runs an asynchronous handler, turning a refused request into its ARM error reply. */
function guardedAsync(handler: (request: SandboxRequest) => Promise<SandboxReply>): (request: SandboxRequest) => Promise<SandboxReply> {
  return async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      if (error instanceof ArmRequestError) return error.reply;
      throw error;
    }
  };
}

/** Runs a handler, turning a refused request into its ARM error reply. */
function guarded(handler: (request: SandboxRequest) => SandboxReply): (request: SandboxRequest) => SandboxReply {
  return (request) => {
    try {
      return handler(request);
    } catch (error) {
      if (error instanceof ArmRequestError) return error.reply;
      throw error;
    }
  };
}

function param(request: SandboxRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined) throw new Error(`route parameter '${name}' missing`);
  return value;
}

function appRef(request: SandboxRequest): AppRef {
  return {
    subscriptionId: param(request, "subscriptionId"),
    resourceGroup: param(request, "resourceGroupName"),
    name: param(request, "containerAppName"),
  };
}

function operationUrls(request: SandboxRequest, operation: OperationRecord): { status: string; result: string } {
  const apiVersion = request.query.get("api-version") ?? defaultApiVersion;
  const base = `${request.origin}/subscriptions/${operation.app.subscriptionId}/providers/Microsoft.App/locations/${operationLocation(operation)}`;
  return {
    status: `${base}/containerappOperationStatuses/${operation.id}?api-version=${apiVersion}&azureAsyncOperation=true`,
    result: `${base}/containerappOperationResults/${operation.id}?api-version=${apiVersion}`,
  };
}

/** Whole seconds, as ARM sends Retry-After; sub-second poll intervals round down to 0 (poll at the client's pace). */
function retryAfter(context: SandboxContext): string {
  return String(Math.floor(context.durations.lroPoll / 1000));
}

/** The operation named in the URL, checked against the URL's subscription. */
function operationFrom(model: ContainerAppsModel, request: SandboxRequest): OperationRecord {
  const operationId = param(request, "operationId");
  const operation = model.requireOperation(operationId);
  if (operation.app.subscriptionId.toLowerCase() !== param(request, "subscriptionId").toLowerCase()) throw operationNotFound(operationId);
  return operation;
}

/** Builds the ARM routes over a model; with `images`, a write's new revision is checked against the registries the sandbox serves. */
export function containerAppsArmRoutes(model: ContainerAppsModel, context: SandboxContext, images?: ImageRegistries): SandboxRoute[] {
  return containerAppsRoutes(model, context, images).map((route) => ({ ...route, apiVersions: CONTAINER_APPS_API_VERSIONS }));
}

function containerAppsRoutes(model: ContainerAppsModel, context: SandboxContext, images: ImageRegistries | undefined): SandboxRoute[] {
  const now = (): number => context.clock.now();
  /** The pull failure the write's new revision would meet (checked before the write; used only if it creates a revision). */
  const imageFailure = async (request: SandboxRequest, mode: "merge" | "replace"): Promise<WriteFailure | undefined> => {
    const preview = images ? previewWrite(model, appRef(request), request.body, mode) : undefined;
    return images && preview ? imagePullFailure(images, param(request, "containerAppName"), preview.template, preview.configuration) : undefined;
  };
  return [
    {
      method: "GET",
      template: appTemplate,
      operation: "Microsoft.App/containerApps/read",
      plane: "arm",
      kind: "read",
      handler: guarded((request) => ({ status: 200, body: renderContainerApp(model, model.requireApp(appRef(request))) })),
    },
    {
      method: "PATCH",
      template: appTemplate,
      operation: "Microsoft.App/containerApps/write",
      plane: "arm",
      kind: "write",
      handler: guardedAsync(async (request) => {
        const failure = await imageFailure(request, "merge");
        const operation = updateApp(model, appRef(request), request.body, failure);
        const urls = operationUrls(request, operation);
        return {
          status: 202,
          headers: { "azure-asyncoperation": urls.status, location: urls.result, "retry-after": retryAfter(context) },
        };
      }),
    },
    {
      method: "PUT",
      template: appTemplate,
      operation: "Microsoft.App/containerApps/write",
      plane: "arm",
      kind: "write",
      handler: guardedAsync(async (request) => {
        const failure = await imageFailure(request, "replace");
        const { app, created, operation } = createOrUpdateApp(model, appRef(request), request.body, failure);
        const urls = operationUrls(request, operation);
        return {
          status: created ? 201 : 200,
          headers: { "azure-asyncoperation": urls.status, "retry-after": retryAfter(context) },
          body: renderContainerApp(model, app),
        };
      }),
    },
    {
      method: "GET",
      template: `${locationTemplate}/containerappOperationStatuses/{operationId}`,
      operation: "Microsoft.App/locations/containerappOperationStatuses/read",
      plane: "arm",
      kind: "read",
      handler: guarded((request) => ({ status: 200, body: renderOperationStatus(model, operationFrom(model, request)) })),
    },
    {
      method: "GET",
      template: `${locationTemplate}/containerappOperationResults/{operationId}`,
      operation: "Microsoft.App/locations/containerappOperationResults/read",
      plane: "arm",
      kind: "read",
      handler: guarded((request) => {
        const operation = operationFrom(model, request);
        const status = model.operationStatus(operation);
        if (status === "InProgress") {
          return { status: 202, headers: { location: operationUrls(request, operation).result, "retry-after": retryAfter(context) } };
        }
        if (status === "Failed") {
          const error = operationError(operation);
          return armError(400, error.code, error.message);
        }
        return { status: 200, body: renderContainerApp(model, operation.app) };
      }),
    },
    {
      method: "GET",
      template: `${appTemplate}/revisions`,
      operation: "Microsoft.App/containerApps/revisions/read",
      plane: "arm",
      kind: "read",
      handler: guarded((request) => {
        const list = renderRevisionList(model.requireApp(appRef(request)), now());
        const filter = request.query.get("$filter");
        if (!filter) return { status: 200, body: list };
        const parsed = parseFilter(filter, REVISION_FILTER_PROPERTIES);
        if (!parsed.ok) return armError(400, "InvalidFilter", `The $filter '${filter}' is not valid: ${parsed.problem}.`);
        return { status: 200, body: { ...list, value: list.value.filter((revision) => parsed.matches({ name: revision.name, ...revisionFilterRecord(revision.properties) })) } };
      }),
    },
    {
      method: "GET",
      template: revisionTemplate,
      operation: "Microsoft.App/containerApps/revisions/read",
      plane: "arm",
      kind: "read",
      handler: guarded((request) => {
        const app = model.requireApp(appRef(request));
        return { status: 200, body: renderRevision(app, model.requireRevision(app, param(request, "revisionName")), now()) };
      }),
    },
    revisionAction(model, "restart", (app, revision) => restartRevision(model, app, revision)),
    revisionAction(model, "activate", (app, revision) => activateRevision(model, app, revision)),
    revisionAction(model, "deactivate", (_app, revision) => deactivateRevision(model, revision)),
  ];
}

/** A revision POST action: synchronous, 200 with no body (Revisions_Restart/_Activate examples). */
function revisionAction(
  model: ContainerAppsModel,
  action: "restart" | "activate" | "deactivate",
  apply: (app: AppRecord, revision: RevisionRecord) => void,
): SandboxRoute {
  return {
    method: "POST",
    template: `${revisionTemplate}/${action}`,
    operation: `Microsoft.App/containerApps/revisions/${action}/action`,
    plane: "arm",
    kind: "action",
    handler: guarded((request) => {
      const app = model.requireApp(appRef(request));
      apply(app, model.requireRevision(app, param(request, "revisionName")));
      return { status: 200 };
    }),
  };
}
