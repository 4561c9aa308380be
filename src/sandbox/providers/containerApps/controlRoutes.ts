/**
 * Scenario control for Container Apps over HTTP. Templates are relative to `/_sandbox` (the front
 * mounts them there); no bearer token, not throttled, not logged. Errors use the ARM error body.
 *
 * POST   /_sandbox/containerApps                      201 ContainerAppResource (as ARM GET returns it)
 *        Body (SeedAppOptions; only subscriptionId, resourceGroup, name, containers are required):
 *          { "subscriptionId": "00000000-0000-0000-0000-000000000001", "resourceGroup": "rg", "name": "web",
 *            "location": "East US", "environmentName": "sandbox-env", "workloadProfileName": "Consumption",
 *            "activeRevisionsMode": "Single" | "Multiple", "revisionSuffix": "v1",
 *            "containers": [{ "name": "web", "image": "myacr.azurecr.io/web@sha256:…" }, { "name": "sidecar", "image": "…" }],
 *            "initContainers": [{ "name": "migrate", "image": "…" }],
 *            "ingress": { "external": true, "targetPort": 8080 } | null   (default { external: true, targetPort: 80 }),
 *            "registries": [{ "server": "myacr.azurecr.io", "identity": "system" }],
 *            "template": { "scale": { "minReplicas": 1 } }, "configuration": { "secrets": [...] },
 *            "identity": { "type": "SystemAssigned" }, "tags": { "env": "test" } }
 *        The app gets one revision that is already Provisioned, Running and Healthy (latestReadyRevisionName set).
 *        409 Conflict if the app exists; 400 InvalidRequestContent for a bad body.
 * GET    /_sandbox/containerApps                      200 { "apps": ContainerAppResource[] }
 * GET    /_sandbox/containerApps/{subscriptionId}/{resourceGroup}/{name}
 *        200 { "app": ContainerAppResource, "revisions": RevisionResource[] } (as ARM returns them now); 404 if unknown
 * PUT    /_sandbox/containerApps/{subscriptionId}/{resourceGroup}/{name}/nextRevision
 *        200 RevisionBehaviour. The next revision this app creates follows it (one-shot; it wins over image behaviours):
 *          { "kind": "healthy" | "unhealthyUntilRestarted" | "neverHealthy" | "provisioningFails" | "activationFails" | "slow",
 *            "durations": { "provisioning": 5000, "activating": 3000, "healthy": 5000 },   (ms, each optional)
 *            "message": "provisioningError text (provisioningFails)",
 *            "healthProbes": false, "startingState": "Processing" | "Activating", "scaleToZero": true }   (each optional)
 *          healthy: Provisioning → Provisioned, Processing → Running, None → Healthy.
 *          unhealthyUntilRestarted: Provisioned but Degraded/Unhealthy until restarted, then healthy after activating+healthy.
 *          neverHealthy: Degraded/Unhealthy, a restart only repeats the cycle. provisioningFails: provisioningState Failed,
 *          runningState Failed, provisioningError set, and the PATCH operation ends Failed (ContainerAppOperationError).
 *          activationFails: Provisioned, then runningState ActivationFailed with 0 replicas (reported live, not in the spec).
 *          slow: healthy with the given durations (any kind accepts durations).
 *          healthProbes false: no probes, so healthState stays None and a replica is ready once started.
 *          startingState: the runningState while replicas start (default Processing).
 *          scaleToZero (with template.scale.minReplicas 0 or unset): 0 replicas, healthState None, not ready until a
 *          GET to /_sandbox/ingress/<its fqdn> wakes it; the replica stays for scale.cooldownPeriod (default 300 s).
 * DELETE /_sandbox/containerApps/{subscriptionId}/{resourceGroup}/{name}/nextRevision   204
 * GET    /_sandbox/containerApps/imageBehaviours     200 { "imageBehaviours": [{ "image": "...", "behaviour": RevisionBehaviour }] }
 * PUT    /_sandbox/containerApps/imageBehaviours     200 { "image", "behaviour" }. Body { "image": "<full image or sha256:… digest>",
 *          "behaviour": RevisionBehaviour }: every later revision with a container or init container using that image
 *          (exact string, or any image ending in "@<digest>" when keyed by digest) follows it; lasts until reset.
 * DELETE /_sandbox/containerApps/imageBehaviours?image=<url-encoded image>   204
 * GET    /_sandbox/containerApps/busyCode            200 { "code": "ContainerAppOperationInProgress" }
 * PUT    /_sandbox/containerApps/busyCode            200 { "code" }. Body { "code": "ContainerAppOperationInProgress" |
 *          "ContainerAppLockConflict" | "ManagedEnvironmentOperationInProgress" }: the 409 a write to a busy app gets
 *          (Azure's wording for each); lasts until reset.
 */
import type { SandboxRequest, SandboxReply, SandboxRoute } from "../../kernel/types.js";
import { renderContainerApp, renderRevision } from "./armBodies.js";
import { revisionBehaviourSchema, type RevisionBehaviour } from "./behaviours.js";
import { ArmRequestError, BUSY_CODES, invalidRequestContent, type BusyCode } from "./errors.js";
import { isJsonObject } from "./json.js";
import type { AppRef } from "./appRecords.js";
import { seedApp } from "./appWrites.js";
import type { ContainerAppsModel } from "./model.js";
import { describeIssues, type SeedAppOptions } from "./requestSchemas.js";

/** A scenario-control route (no RBAC operation); an {@link ArmRequestError} becomes its ARM reply. */
export function controlRoute(method: SandboxRoute["method"], template: string, handler: (request: SandboxRequest) => SandboxReply): SandboxRoute {
  return {
    method,
    template,
    operation: "sandbox/control",
    plane: "data",
    kind: method === "GET" ? "read" : "write",
    handler: (request) => {
      try {
        return handler(request);
      } catch (error) {
        if (error instanceof ArmRequestError) return error.reply;
        throw error;
      }
    },
  };
}

function appRefFrom(request: SandboxRequest): AppRef {
  return {
    subscriptionId: request.params["subscriptionId"] ?? "",
    resourceGroup: request.params["resourceGroup"] ?? "",
    name: request.params["name"] ?? "",
  };
}

/** Parses a behaviour from JSON, or throws a 400. */
export function parseBehaviour(input: unknown): RevisionBehaviour {
  const parsed = revisionBehaviourSchema.safeParse(input);
  if (!parsed.success) throw invalidRequestContent(describeIssues(parsed.error));
  return parsed.data;
}

/** Builds the control routes over a model (relative templates). */
export function containerAppsControlRoutes(model: ContainerAppsModel): SandboxRoute[] {
  const appPath = "/containerApps/{subscriptionId}/{resourceGroup}/{name}";
  return [
    controlRoute("POST", "/containerApps", (request) => {
      if (!isJsonObject(request.body)) throw invalidRequestContent("the body must be a JSON object (SeedAppOptions)");
      const app = seedApp(model, request.body as unknown as SeedAppOptions);
      return { status: 201, body: renderContainerApp(model, app) };
    }),
    controlRoute("GET", "/containerApps", () => ({ status: 200, body: { apps: model.listApps().map((app) => renderContainerApp(model, app)) } })),
    controlRoute("GET", "/containerApps/imageBehaviours", () => ({
      status: 200,
      body: { imageBehaviours: model.listImageBehaviours() },
    })),
    controlRoute("PUT", "/containerApps/imageBehaviours", (request) => {
      const body = isJsonObject(request.body) ? request.body : {};
      const image = body["image"];
      if (typeof image !== "string" || image.length === 0) throw invalidRequestContent("image: a non-empty string is required");
      const behaviour = parseBehaviour(body["behaviour"]);
      model.setImageBehaviour(image, behaviour);
      return { status: 200, body: { image, behaviour } };
    }),
    controlRoute("DELETE", "/containerApps/imageBehaviours", (request) => {
      const image = request.query.get("image");
      if (!image) throw invalidRequestContent("query parameter 'image' is required");
      model.setImageBehaviour(image, undefined);
      return { status: 204 };
    }),
    controlRoute("GET", "/containerApps/busyCode", () => ({ status: 200, body: { code: model.busyCode } })),
    controlRoute("PUT", "/containerApps/busyCode", (request) => {
      const code = isJsonObject(request.body) ? request.body["code"] : undefined;
      if (typeof code !== "string" || !(BUSY_CODES as readonly string[]).includes(code)) {
        throw invalidRequestContent(`code: one of ${BUSY_CODES.join(", ")} is required`);
      }
      model.setBusyCode(code as BusyCode);
      return { status: 200, body: { code } };
    }),
    controlRoute("GET", appPath, (request) => {
      const app = model.requireApp(appRefFrom(request));
      const now = model.now();
      return {
        status: 200,
        body: { app: renderContainerApp(model, app), revisions: app.revisions.map((revision) => renderRevision(app, revision, now)) },
      };
    }),
    controlRoute("PUT", `${appPath}/nextRevision`, (request) => {
      const behaviour = parseBehaviour(request.body);
      model.setNextRevisionBehaviour(appRefFrom(request), behaviour);
      return { status: 200, body: behaviour };
    }),
    controlRoute("DELETE", `${appPath}/nextRevision`, (request) => {
      model.setNextRevisionBehaviour(appRefFrom(request), undefined);
      return { status: 204 };
    }),
  ];
}
