/**
 * Scenario control for the ACR Tasks provider, mounted under `/_sandbox/` (no bearer token, not logged).
 * JSON shapes:
 *
 * POST /_sandbox/acr/registries   201 Registry (the Registries_Get body). Body (RegistrySeed):
 *        { "subscriptionId": "<guid>", "resourceGroup": "rg", "name": "myregistry",
 *          "location": "eastus", "sku": "Basic" | "Standard" | "Premium", "tags": { } }   (location/sku/tags optional)
 * GET  /_sandbox/acr/registries   200 { "registries": Registry[] }
 * POST /_sandbox/acr/next-run     201 { "pending": RunPlan[] }. Body (RunPlan, all optional), consumed by the next
 *        scheduleRun (on `registry` if given):
 *        { "status": "Succeeded" | "Failed" | "Error" | "Timeout", "log": "text of the build section",
 *          "errorMessage": "runErrorMessage", "registry": "myregistry", "queuedMs": 0, "runningMs": 1000 }
 * GET  /_sandbox/acr/runs[?registry=name]
 *      200 { "runs": ScheduledRunView[] }, newest first, secret values shown as "***":
 *        { "runId": "ca1", "subscriptionId", "resourceGroup", "registryName", "loginServer",
 *          "type": "EncodedTaskRunRequest", "request": { ...as sent }, "taskYaml": "steps: ...", "valuesYaml": "...",
 *          "values": { "name": "value" }, "secretValueNames": [], "sourceLocation": "source/...tar.gz",
 *          "sourceUploaded": true, "status": "Running", "plannedOutcome": "Succeeded", "createTime", "startTime", "finishTime",
 *          "outputImages": [{ "registry": "myregistry.azurecr.io", "repository": "app", "tag": "v1", "digest": "sha256:<64 hex>" }] }
 */
import { controlRoute, invalidBody } from "../../kernel/control.js";
import type { SandboxRoute } from "../../kernel/types.js";
import { registryBody, type RegistrySeed, type RegistryStore } from "./registries.js";
import type { RunPlan, RunStore } from "./runs.js";
import { scheduledRunView } from "./scenario.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Problems with an untrusted registry seed. */
export function registrySeedProblems(body: unknown): string[] {
  if (!isRecord(body)) return ["the registry must be a JSON object"];
  const problems = ["subscriptionId", "resourceGroup", "name"].filter((field) => typeof body[field] !== "string").map((field) => `'${field}' is required`);
  if (body.location !== undefined && typeof body.location !== "string") problems.push("'location' must be a string");
  if (body.sku !== undefined && (typeof body.sku !== "string" || !["Basic", "Standard", "Premium"].includes(body.sku))) problems.push("'sku' must be Basic, Standard or Premium");
  if (typeof body.name === "string" && !/^[a-zA-Z0-9]{5,50}$/.test(body.name)) problems.push("'name' must be 5-50 letters or digits");
  return problems;
}

/** Problems with an untrusted run plan. */
export function runPlanProblems(body: unknown): string[] {
  if (!isRecord(body)) return ["the run plan must be a JSON object"];
  const problems: string[] = [];
  if (body.status !== undefined && (typeof body.status !== "string" || !["Succeeded", "Failed", "Error", "Timeout"].includes(body.status))) problems.push("'status' must be Succeeded, Failed, Error or Timeout");
  for (const field of ["log", "errorMessage", "registry"]) if (body[field] !== undefined && typeof body[field] !== "string") problems.push(`'${field}' must be a string`);
  for (const field of ["queuedMs", "runningMs"]) {
    const value = body[field];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) problems.push(`'${field}' must be a number >= 0`);
  }
  return problems;
}

/** The ACR provider's control routes (relative to `/_sandbox`). */
export function acrControlRoutes(registries: RegistryStore, runs: RunStore): SandboxRoute[] {
  return [
    controlRoute("POST", "/acr/registries", (req) => {
      const problems = registrySeedProblems(req.body);
      return problems.length > 0 ? invalidBody(problems) : { status: 201, body: registryBody(registries.seed(req.body as RegistrySeed)) };
    }),
    controlRoute("GET", "/acr/registries", () => ({ status: 200, body: { registries: registries.list().map(registryBody) } })),
    controlRoute("POST", "/acr/next-run", (req) => {
      const problems = runPlanProblems(req.body);
      if (problems.length > 0) return invalidBody(problems);
      runs.plan(req.body as RunPlan);
      return { status: 201, body: { pending: runs.pendingPlans() } };
    }),
    controlRoute("GET", "/acr/runs", (req) => {
      const name = req.query.get("registry")?.toLowerCase();
      const list = runs.list().filter((run) => name === undefined || run.registry.name.toLowerCase() === name);
      return { status: 200, body: { runs: list.map((run) => scheduledRunView(runs, run, true)) } };
    }),
  ];
}
