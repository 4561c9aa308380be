/**
 * Issue 9 §3: each resource type accepts exactly its api-versions: those of the specs the sandbox
 * plays (the vendored examples' folders), those our pinned SDKs send (their calls succeed here) and
 * those Debian's Python SDK sends. Anything else gets ARM's 400: `InvalidApiVersionParameter` for a
 * malformed value, `NoRegisteredProviderFound` for a version the type does not have, each naming the
 * supported versions.
 */
import { ContainerAppsAPIClient } from "@azure/arm-appcontainers";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "../acr/acrClient.js";
import { appsClient, fixedToken } from "../containerApps/appsClient.js";
import { useAppSandbox } from "./appSandbox.js";
import { sandboxRequest } from "./sandboxHttp.js";

const EXAMPLES = join(import.meta.dirname, "../../fixtures/azure-rest-examples");
const APP_PATH = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.App/containerApps/web`;
const REGISTRY_PATH = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`;

const sandbox = useAppSandbox();

function errorOf(json: unknown): { code?: string; message?: string } {
  return (json as { error?: { code?: string; message?: string } }).error ?? {};
}

describe("api-version", () => {
  it("accepts what the pinned SDKs send (their calls succeed)", async () => {
    expect((await appsClient(sandbox(), SUBSCRIPTION).containerApps.get(RESOURCE_GROUP, "web")).name).toBe("web");
    const acr = acrClient(sandbox());
    expect((await acr.registries.get(RESOURCE_GROUP, REGISTRY)).name).toBe(REGISTRY);
    const runs = [];
    for await (const run of acr.runs.list(RESOURCE_GROUP, REGISTRY)) runs.push(run);
    expect(runs).toEqual([]);
    const versions = new Set(sandbox().callLog.calls().map((call) => `${call.operation} ${call.apiVersion}`));
    expect(versions).toEqual(
      new Set([
        "Microsoft.App/containerApps/read 2026-07-01",
        "Microsoft.ContainerRegistry/registries/read 2025-11-01",
        "Microsoft.ContainerRegistry/registries/runs/read 2019-06-01-preview",
      ]),
    );
  });

  it("accepts the versions of the vendored spec examples and Debian's Python SDK", async () => {
    for (const version of [...readdirSync(join(EXAMPLES, "app")), "2022-10-01"]) {
      expect((await sandboxRequest(sandbox(), "GET", `${APP_PATH}?api-version=${version}`)).status, version).toBe(200);
    }
    for (const version of [...readdirSync(join(EXAMPLES, "containerregistry")), "2021-09-01", "2019-04-01"]) {
      expect((await sandboxRequest(sandbox(), "GET", `${REGISTRY_PATH}?api-version=${version}`)).status, version).toBe(200);
    }
    for (const version of ["2019-06-01-preview", "2019-04-01"]) {
      expect((await sandboxRequest(sandbox(), "GET", `${REGISTRY_PATH}/runs?api-version=${version}`)).status, version).toBe(200);
    }
  });

  it("refuses a malformed version with InvalidApiVersionParameter, naming the supported ones", async () => {
    const reply = await sandboxRequest(sandbox(), "GET", `${APP_PATH}?api-version=not-a-version`);
    expect(reply.status).toBe(400);
    expect(errorOf(reply.json)).toEqual({
      code: "InvalidApiVersionParameter",
      message: "The api-version 'not-a-version' is invalid. The supported versions are '2026-07-01,2026-01-01,2022-10-01'.",
    });
  });

  it("refuses a version the type does not have with NoRegisteredProviderFound, for apps, registries and runs", async () => {
    for (const version of ["1999-01-01", "2099-01-01"]) {
      const app = await sandboxRequest(sandbox(), "GET", `${APP_PATH}?api-version=${version}`);
      expect(app.status).toBe(400);
      expect(errorOf(app.json).code).toBe("NoRegisteredProviderFound");
      expect(errorOf(app.json).message).toContain(`API version '${version}' for type 'containerApps'. The supported api-versions are '2026-07-01, 2026-01-01, 2022-10-01'.`);
    }
    const runs = await sandboxRequest(sandbox(), "GET", `${REGISTRY_PATH}/runs?api-version=2025-11-01`);
    expect(runs.status).toBe(400);
    expect(errorOf(runs.json).message).toContain("for type 'registries/runs'. The supported api-versions are '2019-06-01-preview, 2019-04-01'.");
    const registry = await sandboxRequest(sandbox(), "GET", `${REGISTRY_PATH}?api-version=2099-01-01`);
    expect(errorOf(registry.json).code).toBe("NoRegisteredProviderFound");
  });

  it("an SDK pinned to a version the sandbox has never seen fails", async () => {
    const client = new ContainerAppsAPIClient(fixedToken, SUBSCRIPTION, { endpoint: sandbox().origin, tlsOptions: { ca: sandbox().caPem }, apiVersion: "2099-01-01" });
    await expect(client.containerApps.get(RESOURCE_GROUP, "web")).rejects.toMatchObject({
      statusCode: 400,
      code: "NoRegisteredProviderFound",
    });
  });
});
