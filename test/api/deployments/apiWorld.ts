/**
 * The deploy world (sandbox + registry + local runtime on one virtual clock) with the deployments API
 * loaded and a targets document set, plus a small HTTP client that sends the function key. Tests talk
 * to the API over real HTTP, exactly as a CI pipeline would.
 */
import { resolve } from "node:path";
import { resetSettingsCache } from "../../../src/config/settings.js";
import { resetTargetsCache } from "../../../src/config/targets.js";
import type { TargetsDocumentInput } from "../../../src/domain/target.js";
import type { DeploymentResource } from "../../../src/functions/http/apiTypes.js";
import { LOGIN_SERVER, REGISTRY_NAME, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, WORKFLOW_MODULE, startDeployWorld, type DeployWorld, type DeployWorldOptions } from "../../e2e/world.js";

/** The module registering `/api/deployments`. */
export const DEPLOYMENTS_MODULE = resolve(import.meta.dirname, "../../../src/functions/deployments.ts");

/** A target for app `app` in the world's resource group and repository. */
export function targetFor(name: string, app: string, extra: Partial<TargetsDocumentInput["targets"][number]> = {}): TargetsDocumentInput["targets"][number] {
  return {
    name,
    containerApp: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: app },
    image: { loginServer: LOGIN_SERVER, repository: REPOSITORY },
    policy: { verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 },
    ...extra,
  };
}

/** A build section that builds in the world's registry from a git repository. */
export const GIT_BUILD = {
  registry: { resourceGroup: RESOURCE_GROUP, name: REGISTRY_NAME },
  source: { kind: "git" as const, url: "https://github.com/contoso/web.git", ref: "main" },
};

/** An answer, its body parsed (JSON or problem+json) when there is one. */
export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A problem document as the tests read it. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
}

/** What a request may carry. */
export interface ApiCall {
  /** A value to send as JSON, or raw text/bytes (then give content-type yourself). */
  json?: unknown;
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
  /** The function key to send; `null` sends none. Default: the runtime's key. */
  key?: string | null;
}

/** A running API world. */
export interface ApiWorld {
  world: DeployWorld;
  /** Calls `/api<path>` and parses the answer. */
  call<T = unknown>(method: string, path: string, call?: ApiCall): Promise<ApiAnswer<T>>;
  /** GETs an absolute URL the API handed out (statusUrl, nextLink) with the function key. */
  follow<T = unknown>(url: string): Promise<ApiAnswer<T>>;
  /** The deployment as the API shows it. */
  deployment(id: string): Promise<DeploymentResource>;
  /** Ids of every orchestration instance the engine knows. */
  instanceIds(): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts the world with `targets` as `ACA_ROLLOUT_TARGETS` (or raw text for broken configurations). */
export async function startApiWorld(targets: TargetsDocumentInput | string, options: Pick<DeployWorldOptions, "log"> = {}): Promise<ApiWorld> {
  process.env.ACA_ROLLOUT_TARGETS = typeof targets === "string" ? targets : JSON.stringify(targets);
  resetTargetsCache();
  resetSettingsCache();
  const world = await startDeployWorld({ functionModules: [WORKFLOW_MODULE, DEPLOYMENTS_MODULE], ...options });
  const base = `${world.runtime.url}/api`;

  const send = async <T>(method: string, url: string, call: ApiCall = {}): Promise<ApiAnswer<T>> => {
    const headers: Record<string, string> = { ...call.headers };
    const key = call.key === undefined ? world.runtime.functionKey : call.key;
    if (key !== null) headers["x-functions-key"] = key;
    let body: string | Uint8Array | undefined = call.raw;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    const type = response.headers.get("content-type") ?? "";
    const parsed: unknown = text !== "" && /json/.test(type) ? JSON.parse(text) : undefined;
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };

  return {
    world,
    call: (method, path, call) => send(method, `${base}${path}`, call),
    follow: (url) => send("GET", url),
    async deployment(id) {
      const answer = await send<DeploymentResource>("GET", `${base}/deployments/${id}`);
      if (answer.status !== 200) throw new Error(`GET deployment ${id}: ${answer.status} ${answer.text}`);
      return answer.body;
    },
    async instanceIds() {
      const page = await world.runtime.engine.listInstances({ showInput: false });
      return page.instances.map((instance) => instance.instanceId);
    },
    async stop() {
      await world.stop();
      delete process.env.ACA_ROLLOUT_TARGETS;
      resetTargetsCache();
    },
  };
}
