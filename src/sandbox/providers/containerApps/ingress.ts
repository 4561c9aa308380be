/**
 * The apps' ingress, played for smoke requests. Revision host names (`<revision>.<env domain>`) are
 * fake, so the product's `ACA_ROLLOUT_INGRESS_PROXY` points at `<origin>/_sandbox/ingress`, and
 *
 * GET /_sandbox/ingress/{fqdn}[/{*path}]
 *     200 when the revision with that fqdn is serving (active, Running, with a replica that is Healthy,
 *     or has no health probes and so reports None), 503 while it is not, 404 for an fqdn no revision
 *     has. A revision that scales to zero (behaviour `scaleToZero`) is woken by the request and answers. A serving revision answers a path with a configured status
 *     (see below) with that status instead of 200. Bodies are short text.
 * PUT /_sandbox/containerApps/ingressResponses   200. Body { "path": "/healthz", "status": 500, "revisionName"?: "web--v2" }:
 *     a serving revision (that one, or any) answers GET `path` (query ignored) with `status`; lasts until reset.
 * DELETE /_sandbox/containerApps/ingressResponses   204: forgets every configured status.
 */
import { controlRoute } from "./controlRoutes.js";
import type { SandboxReply, SandboxRequest, SandboxRoute } from "../../kernel/types.js";
import { renderRevision } from "./armBodies.js";
import { hasHealthProbes } from "./behaviours.js";
import { wakeOnRequest } from "./revisionLifecycle.js";
import { invalidRequestContent } from "./errors.js";
import { isJsonObject } from "./json.js";
import type { ContainerAppsModel } from "./model.js";

/** A status a serving revision answers on one path. */
export interface IngressResponseRule {
  path: string;
  status: number;
  /** Only this revision (case-insensitive); any serving revision when absent. */
  revisionName?: string;
}

/** Configured ingress statuses, newest rule first. */
export class IngressResponses {
  private rules: IngressResponseRule[] = [];

  /** Adds (or replaces) the rule for `path` and `revisionName`. */
  set(rule: IngressResponseRule): void {
    const path = normalizePath(rule.path);
    const revisionName = rule.revisionName?.toLowerCase();
    this.rules = [{ path, status: rule.status, ...(revisionName ? { revisionName } : {}) }, ...this.rules.filter((r) => !(r.path === path && r.revisionName === revisionName))];
  }

  /** The status configured for `path` on `revisionName`, if any. */
  statusFor(revisionName: string, path: string): number | undefined {
    const wanted = normalizePath(path);
    const name = revisionName.toLowerCase();
    return this.rules.find((rule) => rule.path === wanted && (rule.revisionName === undefined || rule.revisionName === name))?.status;
  }

  /** Forgets every rule. */
  clear(): void {
    this.rules = [];
  }

  /** Every rule, newest first (for saving). */
  list(): IngressResponseRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** Replaces every rule with saved ones (newest first). */
  restore(rules: readonly IngressResponseRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule }));
  }
}

function normalizePath(path: string): string {
  const withoutQuery = path.split("?")[0] ?? "";
  return `/${withoutQuery.replace(/^\/+/, "")}`;
}

/** Answers one smoke request as the revision behind `fqdn` would. */
function serve(model: ContainerAppsModel, responses: IngressResponses, request: SandboxRequest): SandboxReply {
  const fqdn = (request.params["fqdn"] ?? "").toLowerCase();
  const path = `/${request.params["path"] ?? ""}`;
  const now = model.now();
  for (const app of model.listApps()) {
    for (const revision of app.revisions) {
      if (renderRevision(app, revision, now).properties.fqdn.toLowerCase() !== fqdn || fqdn === "") continue;
      wakeOnRequest(revision, now);
      const { properties } = renderRevision(app, revision, now);
      const ready = properties.healthState === "Healthy" || (properties.healthState === "None" && !hasHealthProbes(revision.behaviour));
      const serving = properties.active && properties.runningState === "Running" && properties.replicas > 0 && ready;
      if (!serving) {
        return { status: 503, body: `revision ${revision.name} is not serving (${properties.runningState}/${properties.healthState}${properties.active ? "" : ", inactive"})\n` };
      }
      const status = responses.statusFor(revision.name, path) ?? 200;
      return { status, body: `revision ${revision.name} answered ${status} for ${path}\n` };
    }
  }
  return { status: 404, body: `no revision serves ${fqdn}\n` };
}


/** The ingress and ingress-response control routes (relative to `/_sandbox`). */
export function containerAppsIngressRoutes(model: ContainerAppsModel, responses: IngressResponses): SandboxRoute[] {
  const answer = (request: SandboxRequest): SandboxReply => serve(model, responses, request);
  return [
    controlRoute("GET", "/ingress/{fqdn}", answer),
    controlRoute("GET", "/ingress/{fqdn}/{*path}", answer),
    controlRoute("PUT", "/containerApps/ingressResponses", (request) => {
      const body = isJsonObject(request.body) ? request.body : {};
      const { path, status, revisionName } = body;
      if (typeof path !== "string" || !path.startsWith("/")) throw invalidRequestContent("path: a string starting with '/' is required");
      if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) throw invalidRequestContent("status: an HTTP status code is required");
      if (revisionName !== undefined && typeof revisionName !== "string") throw invalidRequestContent("revisionName: must be a string");
      responses.set({ path, status, ...(revisionName ? { revisionName } : {}) });
      return { status: 200, body: { path, status, ...(revisionName ? { revisionName } : {}) } };
    }),
    controlRoute("DELETE", "/containerApps/ingressResponses", () => {
      responses.clear();
      return { status: 204 };
    }),
  ];
}
