/**
 * The orchestrator's HTTP API as the CLI calls it: `fetch` with the function key, JSON in and out,
 * problem documents turned into {@link ApiProblem} errors. Types come from the API's own resource
 * types, so the CLI reads exactly what the OpenAPI document describes.
 */
import type { DeploymentAccepted, DeploymentResource, TargetResource, UploadSlot } from "../../functions/http/apiTypes.js";
import type { Connection } from "../core/settings.js";

/** A problem document (RFC 9457) the API answered. */
export class ApiProblem extends Error {
  override readonly name = "ApiProblem";
  constructor(
    readonly status: number,
    readonly type: string | undefined,
    detail: string,
    readonly errors: readonly { pointer: string; detail: string }[],
  ) {
    super(detail);
  }
}

/** The orchestrator could not be reached at all. */
export class UnreachableError extends Error {
  override readonly name = "UnreachableError";
}

/** The body of a deploy the CLI starts. */
export interface StartRequest {
  target: string;
  tag: string;
  build: { source: { kind: "upload"; relativePath: string; contentHash: string }; dockerfile?: string };
}

/** The calls the CLI makes. */
export interface OrchestratorClient {
  target(name: string): Promise<TargetResource>;
  deployment(id: string): Promise<DeploymentResource>;
  createUpload(target: string): Promise<UploadSlot>;
  startDeployment(body: StartRequest): Promise<DeploymentAccepted>;
  cancel(id: string): Promise<void>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function problemOf(response: Response): Promise<ApiProblem> {
  const text = await response.text();
  if (response.status === 401) return new ApiProblem(401, undefined, "the function key was refused (401): check --key / ACA_ROLLOUT_KEY", []);
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body)) {
      const errors = Array.isArray(body.errors)
        ? body.errors.filter(isRecord).map((e) => ({ pointer: typeof e.pointer === "string" ? e.pointer : "", detail: typeof e.detail === "string" ? e.detail : "" }))
        : [];
      return new ApiProblem(response.status, typeof body.type === "string" ? body.type : undefined, typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`, errors);
    }
  } catch {
    // Not JSON: report the status alone.
  }
  return new ApiProblem(response.status, undefined, `HTTP ${response.status} from the orchestrator`, []);
}

/** A client for `connection`. */
export function orchestratorClient(connection: Connection): OrchestratorClient {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${connection.url}/api${path}`, {
        method,
        headers: { "x-functions-key": connection.key, accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new UnreachableError(`cannot reach the orchestrator at ${connection.url} (${error instanceof Error && error.cause instanceof Error ? error.cause.message : "network error"}); check --url / ACA_ROLLOUT_URL`);
    }
    if (!response.ok) throw await problemOf(response);
    const text = await response.text();
    return (text === "" ? undefined : JSON.parse(text)) as T;
  };
  const segment = encodeURIComponent;
  return {
    target: (name) => call<TargetResource>("GET", `/targets/${segment(name)}`),
    deployment: (id) => call<DeploymentResource>("GET", `/deployments/${segment(id)}`),
    createUpload: (target) => call<UploadSlot>("POST", "/uploads", { target }),
    startDeployment: (body) => call<DeploymentAccepted>("POST", "/deployments", body),
    cancel: async (id) => {
      await call<unknown>("POST", `/deployments/${segment(id)}/cancel`, {});
    },
  };
}
