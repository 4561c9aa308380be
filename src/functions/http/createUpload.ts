/**
 * `POST /api/uploads {target}`: an upload slot for a build context, as `az acr build` gets one. It
 * asks ACR (`getBuildSourceUploadUrl`) on the target's build registry and answers the SAS URL to PUT
 * the tar.gz to, and the `relativePath` a deploy's `build.source` names. The URL is a credential: it
 * is answered to the caller and never logged.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { activityServices } from "../../activities/services.js";
import { toAzureFailure } from "../../azure/azureFailure.js";
import { rememberBuildSourceUrl } from "../../azure/buildSourceUrls.js";
import { currentTargets, findTarget } from "../../config/targets.js";
import { ConfigurationError } from "../../domain/errors.js";
import type { TargetDefinition } from "../../domain/target.js";
import type { UploadSlot } from "./apiTypes.js";
import { readJsonBody } from "./jsonBody.js";
import { PROBLEM_TYPES, problemResponse } from "./problem.js";
import { configurationInvalidProblem, notFoundProblem, validationProblem } from "./requestProblems.js";

/** The registry a target builds in, its defaults applied as the build step applies them. */
export function buildRegistryOf(target: TargetDefinition): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  if (!target.build) return undefined;
  const { registry } = target.build;
  return {
    subscriptionId: registry.subscriptionId ?? target.containerApp.subscriptionId,
    resourceGroup: registry.resourceGroup,
    name: registry.name ?? target.image.loginServer.split(".")[0] ?? target.image.loginServer,
  };
}

/** The SAS expiry (`se`) of an upload URL, or null when it carries none. */
function expiryOf(uploadUrl: string): string | null {
  try {
    const se = new URL(uploadUrl).searchParams.get("se");
    if (se === null) return null;
    const time = new Date(se);
    return Number.isNaN(time.getTime()) ? null : time.toISOString();
  } catch {
    return null;
  }
}

/** Handles `POST /api/uploads`. */
export async function createUpload(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const value = body.value;
  const name = typeof value === "object" && value !== null && !Array.isArray(value) && "target" in value ? value.target : undefined;
  const extra = typeof value === "object" && value !== null && !Array.isArray(value) ? Object.keys(value).filter((key) => key !== "target") : [];
  if (typeof name !== "string" || name === "" || extra.length > 0) {
    return validationProblem([
      ...(typeof name !== "string" || name === "" ? [{ pointer: "/target", detail: "is required: the name of a configured target" }] : []),
      ...extra.map((key) => ({ pointer: `/${key}`, detail: "is not a field of an upload request ({ \"target\" })" })),
    ]);
  }
  const targets = currentTargets();
  if (!targets.ok) return configurationInvalidProblem("The targets configuration (ACA_ROLLOUT_TARGETS or ACA_ROLLOUT_TARGETS_FILE) is invalid; no target can be used until it is fixed.");
  const target = findTarget(targets, name);
  if (!target) return notFoundProblem(`No target is named ${JSON.stringify(name)}.`, "/target");
  const registry = buildRegistryOf(target);
  if (!registry) {
    const detail = `Target ${JSON.stringify(name)} has no build, so there is no registry to upload a build context to.`;
    return problemResponse({ type: PROBLEM_TYPES.targetWithoutBuild, status: 409, detail, errors: [{ pointer: "/target", detail }] });
  }

  let services;
  try {
    services = activityServices();
  } catch (error) {
    if (error instanceof ConfigurationError) return configurationInvalidProblem("The settings are invalid; see GET /api/health/details.");
    throw error;
  }
  try {
    const client = services.azure.containerRegistry(registry.subscriptionId);
    const answer = await client.registries.getBuildSourceUploadUrl(registry.resourceGroup, registry.name);
    if (!answer.uploadUrl || !answer.relativePath) throw new Error("ACR answered an upload slot without uploadUrl or relativePath");
    const slot: UploadSlot = { uploadUrl: answer.uploadUrl, relativePath: answer.relativePath, expiresOn: expiryOf(answer.uploadUrl) };
    // The deploy's lint step reads the context through this URL (it never goes through the orchestration).
    rememberBuildSourceUrl(slot);
    // Only the relative path is logged: the URL's query is a SAS token.
    context.log(`Upload slot for target ${name}: ${slot.relativePath} in registry ${registry.name}`);
    return { status: 200, jsonBody: slot, headers: { "cache-control": "no-store" } };
  } catch (error) {
    const failure = toAzureFailure(error);
    const detail =
      `ACR getBuildSourceUploadUrl on registry ${registry.name} failed` +
      `${failure.statusCode !== undefined ? ` with ${failure.statusCode}` : ""}${failure.code !== undefined ? ` ${failure.code}` : ""}` +
      `${failure.correlationId !== undefined ? ` (correlation id ${failure.correlationId})` : ""}.`;
    context.error(detail);
    return problemResponse({ type: PROBLEM_TYPES.azureCallFailed, status: 502, detail, errors: [{ pointer: "", detail }] });
  }
}
