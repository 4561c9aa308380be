/**
 * The ACR ARM operations the sandbox serves, with their RBAC action names: registry read (api-version
 * 2025-11-01, as `@azure/arm-containerregistry` 11 sends it) and the ACR Tasks run operations
 * (2019-06-01-preview).
 */
import { REGISTRY_API_VERSIONS, RUN_API_VERSIONS } from "./apiVersions.js";
import { parseFilter, type FilterRecord } from "../../kernel/odataFilter.js";
import { armError, type SandboxReply, type SandboxRequest, type SandboxRoute } from "../../kernel/types.js";
import type { BuildBlobStore } from "./buildBlobStore.js";
import { registryBody, registryNotFound, type RegistryStore, type SandboxRegistry } from "./registries.js";
import { runBody, scheduledRunBody } from "./runBodies.js";
import { parseRunRequest } from "./runRequest.js";
import type { RunStore, SandboxRun } from "./runs.js";

const REGISTRY = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}";
const ACTIONS = "Microsoft.ContainerRegistry/registries";

/** What the routes work on. */
export interface AcrRouteDeps {
  registries: RegistryStore;
  runs: RunStore;
  blobs: BuildBlobStore;
  now(): number;
  newId(): string;
}

/** `source/<yyyyMMddHHmm>/<guid>.tar.gz`, like the `RegistriesGetBuildSourceUploadUrl` example. */
function sourceRelativePath(now: number, id: string): string {
  const stamp = new Date(now).toISOString().replace(/[-:T]/g, "").slice(0, 12);
  return `source/${stamp}/${id}.tar.gz`;
}

/** The run properties `$filter` can name (ACR's Runs_List: "RunId eq '…'", Status, RunType, TaskName, times). */
const RUN_FILTER_PROPERTIES = ["RunId", "Status", "RunType", "TaskName", "CreateTime", "StartTime", "FinishTime", "IsArchiveEnabled"];

/** A run's filterable values, read from its ARM body. */
function runFilterRecord(body: unknown): FilterRecord {
  const record: FilterRecord = {};
  if (typeof body !== "object" || body === null) return record;
  const properties = body as Record<string, unknown>;
  for (const name of RUN_FILTER_PROPERTIES) {
    const value = properties[name.charAt(0).toLowerCase() + name.slice(1)];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") record[name] = value;
  }
  if (typeof properties["task"] === "string") record["TaskName"] = properties["task"];
  return record;
}

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The ARM routes of the ACR provider, each with the api-versions its resource type accepts. */
export function acrArmRoutes(deps: AcrRouteDeps): SandboxRoute[] {
  return acrRoutes(deps).map((route) => ({ ...route, apiVersions: route.template.includes("/runs") ? RUN_API_VERSIONS : REGISTRY_API_VERSIONS }));
}

function acrRoutes(deps: AcrRouteDeps): SandboxRoute[] {
  const withRegistry =
    (handler: (registry: SandboxRegistry, req: SandboxRequest) => SandboxReply | Promise<SandboxReply>) =>
    (req: SandboxRequest): SandboxReply | Promise<SandboxReply> => {
      const address = { subscriptionId: req.params.subscriptionId ?? "", resourceGroup: req.params.resourceGroupName ?? "", name: req.params.registryName ?? "" };
      const registry = deps.registries.find(address);
      return registry ? handler(registry, req) : registryNotFound(address);
    };
  const withRun = (handler: (run: SandboxRun, req: SandboxRequest) => SandboxReply | Promise<SandboxReply>) =>
    withRegistry((registry, req) => {
      const run = deps.runs.find(registry, req.params.runId ?? "");
      return run ? handler(run, req) : armError(404, "ResourceNotFound", `The run '${req.params.runId}' was not found in registry '${registry.name}'.`);
    });

  return [
    {
      method: "GET",
      template: REGISTRY,
      operation: `${ACTIONS}/read`,
      plane: "arm",
      kind: "read",
      handler: withRegistry((registry) => ({ status: 200, body: registryBody(registry) })),
    },
    {
      method: "POST",
      template: `${REGISTRY}/scheduleRun`,
      operation: `${ACTIONS}/scheduleRun/action`,
      plane: "arm",
      kind: "action",
      handler: withRegistry(async (registry, req) => {
        const parsed = parseRunRequest(req.body);
        if (!parsed.ok) return armError(400, "BadRequest", `Invalid run request: ${parsed.problems.join("; ")}.`);
        const location = parsed.request.sourceLocation;
        const relative = location !== undefined && !ABSOLUTE_URL.test(location);
        const bytes = relative ? await deps.blobs.readSource(location) : undefined;
        const run = deps.runs.schedule(registry, parsed.request, { uploaded: relative ? bytes !== undefined : undefined, bytes });
        return { status: 200, body: scheduledRunBody(deps.runs, run) };
      }),
    },
    {
      method: "POST",
      template: `${REGISTRY}/listBuildSourceUploadUrl`,
      operation: `${ACTIONS}/listBuildSourceUploadUrl/action`,
      plane: "arm",
      kind: "action",
      handler: withRegistry(async (_registry, req) => {
        const relativePath = sourceRelativePath(deps.now(), deps.newId());
        return { status: 200, body: { relativePath, uploadUrl: await deps.blobs.sourceUploadUrl(relativePath, req.origin) } };
      }),
    },
    {
      method: "GET",
      template: `${REGISTRY}/runs`,
      operation: `${ACTIONS}/runs/read`,
      plane: "arm",
      kind: "read",
      handler: withRegistry((registry, req) => {
        const top = Number(req.query.get("$top") ?? "");
        let runs = deps.runs.list(registry);
        const filter = req.query.get("$filter");
        if (filter) {
          const parsed = parseFilter(filter, RUN_FILTER_PROPERTIES);
          if (!parsed.ok) return armError(400, "BadRequest", `The $filter '${filter}' is not valid: ${parsed.problem}.`);
          runs = runs.filter((run) => parsed.matches(runFilterRecord(runBody(deps.runs, run)["properties"])));
        }
        const page = Number.isInteger(top) && top > 0 ? runs.slice(0, top) : runs;
        return { status: 200, body: { value: page.map((run) => runBody(deps.runs, run)) } };
      }),
    },
    {
      method: "GET",
      template: `${REGISTRY}/runs/{runId}`,
      operation: `${ACTIONS}/runs/read`,
      plane: "arm",
      kind: "read",
      handler: withRun((run) => ({ status: 200, body: runBody(deps.runs, run) })),
    },
    {
      method: "POST",
      template: `${REGISTRY}/runs/{runId}/cancel`,
      operation: `${ACTIONS}/runs/cancel/action`,
      plane: "arm",
      kind: "action",
      // 202 when the cancel was accepted, 200 when the run had already finished: both empty, as in RunsCancel.json.
      handler: withRun((run) => {
        if (!deps.runs.cancel(run)) return { status: 200 };
        // The run is final now, not at its planned finish: a store that copies logs writes its mark.
        deps.blobs.logChanged?.(run.runId);
        return { status: 202 };
      }),
    },
    {
      method: "POST",
      template: `${REGISTRY}/runs/{runId}/listLogSasUrl`,
      operation: `${ACTIONS}/runs/listLogSasUrl/action`,
      plane: "arm",
      kind: "action",
      handler: withRun(async (run, req) => ({ status: 200, body: { logLink: await deps.blobs.logUrl(run.runId, () => deps.runs.logState(run), req.origin) } })),
    },
  ];
}
