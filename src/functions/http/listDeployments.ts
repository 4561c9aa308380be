/**
 * `GET /api/deployments?target=&status=&top=&continuationToken=`: deployments newest first (by
 * creation time, then id), optionally for one target and in one status, a page at a time. The
 * continuation token is the last item's position, so a page never repeats or skips an item when
 * newer deployments start between requests.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { TARGET_NAME_PATTERN } from "../../domain/deployment.js";
import { DEPLOYMENT_STATUSES, type DeploymentPage, type DeploymentStatusName } from "./apiTypes.js";
import { compareNewestFirst, decodeCursor, encodeCursor, isAfterCursor, type DeploymentCursor } from "./deploymentCursor.js";
import { listDeployInstances } from "./deploymentInstances.js";
import { toDeploymentResource } from "./deploymentResource.js";
import { deploymentsCollectionUrl } from "./deploymentUrls.js";
import type { ProblemError } from "./problem.js";
import { validationProblem } from "./requestProblems.js";

/** Page size when `top` is not given. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page size. */
export const MAX_PAGE_SIZE = 100;

/** Query parameters the list understands; `code` is the Functions host's key parameter. */
const KNOWN_PARAMETERS = ["target", "status", "top", "continuationToken", "code"];

/** A validated list query. */
export interface DeploymentListQuery {
  target?: string;
  status?: DeploymentStatusName;
  top: number;
  cursor?: DeploymentCursor;
}

/** Validates the query string; every problem is reported with a `/query/<name>` pointer. */
export function parseListQuery(query: URLSearchParams): { ok: true; value: DeploymentListQuery } | { ok: false; errors: ProblemError[] } {
  const errors: ProblemError[] = [];
  const single = (name: string): string | undefined => {
    const values = query.getAll(name);
    if (values.length > 1) errors.push({ pointer: `/query/${name}`, detail: "must be given at most once" });
    return values[0];
  };
  for (const name of new Set(query.keys())) {
    if (!KNOWN_PARAMETERS.includes(name)) errors.push({ pointer: `/query/${name}`, detail: `is not a known parameter (use ${KNOWN_PARAMETERS.slice(0, 4).join(", ")})` });
  }
  const value: DeploymentListQuery = { top: DEFAULT_PAGE_SIZE };

  const target = single("target");
  if (target !== undefined) {
    if (TARGET_NAME_PATTERN.test(target)) value.target = target;
    else errors.push({ pointer: "/query/target", detail: "must be a target name: 1-63 lowercase letters, digits or '-', starting with a letter" });
  }
  const status = single("status");
  if (status !== undefined) {
    const known = DEPLOYMENT_STATUSES.find((s) => s === status);
    if (known) value.status = known;
    else errors.push({ pointer: "/query/status", detail: `must be one of ${DEPLOYMENT_STATUSES.join(", ")}` });
  }
  const top = single("top");
  if (top !== undefined) {
    const n = /^[0-9]{1,3}$/.test(top) ? Number(top) : NaN;
    if (n >= 1 && n <= MAX_PAGE_SIZE) value.top = n;
    else errors.push({ pointer: "/query/top", detail: `must be an integer from 1 to ${MAX_PAGE_SIZE}` });
  }
  const token = single("continuationToken");
  if (token !== undefined) {
    const cursor = decodeCursor(token);
    if (!cursor) errors.push({ pointer: "/query/continuationToken", detail: "is not a token this API issued; pass back the continuationToken of the previous page unchanged" });
    else if (cursor.target !== value.target || cursor.status !== value.status) {
      errors.push({ pointer: "/query/continuationToken", detail: "belongs to a query with other target or status filters; repeat the same filters, or start without a token" });
    } else value.cursor = cursor;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** Handles `GET /api/deployments`. */
export async function listDeployments(request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> {
  const parsed = parseListQuery(request.query);
  if (!parsed.ok) return validationProblem(parsed.errors);
  const { target, status, top, cursor } = parsed.value;

  const all = (await listDeployInstances(client)).map(toDeploymentResource);
  const matching = all
    .filter((item) => (target === undefined || item.target === target) && (status === undefined || item.status === status))
    .filter((item) => cursor === undefined || isAfterCursor(item, cursor))
    .sort(compareNewestFirst);

  const page: DeploymentPage = { value: matching.slice(0, top) };
  const last = page.value[page.value.length - 1];
  if (matching.length > top && last) {
    const token = encodeCursor({ createdAt: last.createdAt, id: last.id, ...(target !== undefined ? { target } : {}), ...(status !== undefined ? { status } : {}) });
    const next = new URL(deploymentsCollectionUrl(request));
    if (target !== undefined) next.searchParams.set("target", target);
    if (status !== undefined) next.searchParams.set("status", status);
    if (top !== DEFAULT_PAGE_SIZE) next.searchParams.set("top", String(top));
    next.searchParams.set("continuationToken", token);
    page.continuationToken = token;
    page.nextLink = next.href;
  }
  return { status: 200, jsonBody: page };
}
