/**
 * The defaults Azure fills into a container app's template, configuration and identity, applied when
 * the sandbox stores them. Revision templates are compared after this, so a PATCH that only omits a
 * defaulted field is not a template change.
 */
import { createHash } from "node:crypto";
import type { JsonObject, JsonValue } from "./json.js";
import { cloneJson, isJsonObject, objectAt, stringAt } from "./json.js";

/** Canonical revision modes the sandbox models. */
export type ActiveRevisionsMode = "Single" | "Multiple";

const defaultScale: JsonObject = { minReplicas: 0, maxReplicas: 10, cooldownPeriod: 300, pollingInterval: 30 };
const defaultResources: JsonObject = { cpu: 0.5, memory: "1Gi" };

function withDefaultResources(containers: JsonValue | undefined): JsonValue | undefined {
  if (!Array.isArray(containers)) return containers;
  return containers.map((container) =>
    isJsonObject(container) && !isJsonObject(container["resources"]) ? { ...container, resources: cloneJson(defaultResources) } : container,
  );
}

/** The revision-scope template with Azure's defaults, without `revisionSuffix` (a name, not content). */
export function normalizeTemplate(template: JsonObject): JsonObject {
  const result = cloneJson(template);
  delete result["revisionSuffix"];
  const containers = withDefaultResources(result["containers"]);
  if (containers !== undefined) result["containers"] = containers;
  const initContainers = withDefaultResources(result["initContainers"]);
  if (initContainers !== undefined) result["initContainers"] = initContainers;
  result["scale"] = { ...cloneJson(defaultScale), ...(objectAt(result, "scale") ?? {}) };
  return result;
}

/** The stored app template: the normalized revision template plus the explicit suffix, if any. */
export function storedTemplate(template: JsonObject, suffix: string | undefined): JsonObject {
  const normalized = normalizeTemplate(template);
  return suffix === undefined ? normalized : { revisionSuffix: suffix, ...normalized };
}

/** `activeRevisionsMode` in canonical case; Azure accepts any case. */
export function revisionsMode(configuration: JsonObject): ActiveRevisionsMode {
  return stringAt(configuration, "activeRevisionsMode")?.toLowerCase() === "multiple" ? "Multiple" : "Single";
}

/** The app-scope configuration with Azure's defaults; `ingress.fqdn` is server-computed and dropped. */
export function normalizeConfiguration(configuration: JsonObject): JsonObject {
  const result = cloneJson(configuration);
  result["activeRevisionsMode"] = revisionsMode(result);
  result["maxInactiveRevisions"] ??= 100;
  const ingress = objectAt(result, "ingress");
  if (ingress) {
    delete ingress["fqdn"];
    ingress["external"] ??= false;
    ingress["transport"] ??= "auto";
    ingress["traffic"] ??= [{ weight: 100, latestRevision: true }];
  }
  return result;
}

/** A UUID-formatted id derived from a seed, for identity principal ids. */
function uuidFrom(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The managed identity block as ARM returns it: principal/tenant/client ids filled in. */
export function normalizeIdentity(identity: JsonObject | undefined, seed: string): JsonObject {
  if (!identity) return { type: "None" };
  const result = cloneJson(identity);
  const type = stringAt(result, "type") ?? "None";
  if (type.includes("SystemAssigned")) {
    result["principalId"] ??= uuidFrom(`${seed}/principal`);
    result["tenantId"] ??= uuidFrom(`${seed}/tenant`);
  }
  const userAssigned = objectAt(result, "userAssignedIdentities");
  if (userAssigned) {
    for (const [resourceId, value] of Object.entries(userAssigned)) {
      const entry = isJsonObject(value) ? value : {};
      entry["principalId"] ??= uuidFrom(`${seed}/${resourceId}/principal`);
      entry["clientId"] ??= uuidFrom(`${seed}/${resourceId}/client`);
      userAssigned[resourceId] = entry;
    }
  }
  return result;
}
