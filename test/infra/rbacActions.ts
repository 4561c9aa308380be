/**
 * Maps a call the sandbox recorded to the Azure RBAC permissions the calling identity needs for it. ARM calls are
 * recorded with their RBAC action already. Data-plane calls need mapping: the ACR data plane logs every read as
 * `registries/pull/read`, but a registry in "RBAC Registry + ABAC Repository Permissions" mode checks data actions
 * that tell reading content (manifests, blobs) from reading metadata (tags, manifest properties); blob reads and
 * writes through a SAS URL (build logs, uploaded build contexts) and the token endpoints need no role at all.
 * A call this module cannot attribute throws, so a new kind of call fails the least-privilege test loudly.
 */
import type { CallRecord } from "../../src/sandbox/kernel/callLog.js";

/** What one call needs: control-plane `actions` and data-plane `dataActions`. */
export interface NeededPermissions {
  actions: string[];
  dataActions: string[];
}

const ACR = "Microsoft.ContainerRegistry/registries";
const NONE: NeededPermissions = { actions: [], dataActions: [] };

/** The permissions `call` needs from the product's identity. */
export function permissionsFor(call: Pick<CallRecord, "plane" | "operation" | "method" | "path">): NeededPermissions {
  if (call.operation === "unknown") throw new Error(`${call.method} ${call.path} matched no sandbox route: no RBAC action known for it`);
  if (call.plane === "arm") return { actions: [call.operation], dataActions: [] };
  // Blob storage reached through a SAS URL the registry handed out: the SAS is the authorization.
  if (call.operation.startsWith("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/")) return NONE;
  if (call.operation.startsWith(`${ACR}/`)) return acrDataPlane(call);
  throw new Error(`data-plane call ${call.method} ${call.path} (${call.operation}) has no RBAC mapping`);
}

function acrDataPlane(call: Pick<CallRecord, "operation" | "method" | "path">): NeededPermissions {
  // Paths are /_acr/<loginServer>/<registry path> in the sandbox (the login server is part of the route).
  const path = call.path.replace(/^\/[^/]+\/[^/]+/, "");
  // Token exchange and the /v2/ ping: ACR checks the permissions below when it scopes the token, not here.
  if (path === "/oauth2/exchange" || path === "/oauth2/token" || path === "/v2" || path === "/v2/") return NONE;
  const reading = call.method === "GET" || call.method === "HEAD";
  if (reading && /^\/v2\/_catalog$/.test(path)) return { actions: [`${ACR}/pull/read`], dataActions: [`${ACR}/catalog/read`] };
  if (reading && /^\/v2\/.+\/(manifests|blobs)\/[^/]+$/.test(path)) return { actions: [`${ACR}/pull/read`], dataActions: [`${ACR}/repositories/content/read`] };
  if (reading && (/^\/v2\/.+\/tags\/list$/.test(path) || path.startsWith("/acr/v1/"))) {
    return { actions: [`${ACR}/pull/read`], dataActions: [`${ACR}/repositories/metadata/read`] };
  }
  if (call.method === "DELETE") return { actions: [`${ACR}/artifacts/delete`], dataActions: [`${ACR}/repositories/content/delete`] };
  if (!reading) return { actions: [`${ACR}/push/write`], dataActions: [`${ACR}/repositories/content/write`] };
  throw new Error(`ACR data-plane call ${call.method} ${call.path} has no RBAC mapping`);
}
