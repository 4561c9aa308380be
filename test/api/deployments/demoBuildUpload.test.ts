/**
 * `npm start`'s `demo-build` target builds the repository's FastAPI fixture from an uploaded context,
 * as `aca-rollout deploy --target demo-build --context examples/fastapi-demo` does it: an upload slot,
 * the archive uploaded with @azure/storage-blob, then `POST /api/deployments` with the upload as the
 * build's source. The first deploy succeeds; a second one with one changed source file shows the
 * cache report in `GET /api/deployments/{id}` (validated against the OpenAPI document).
 */
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { BlockBlobClient, type StoragePipelineOptions } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rememberBuildSourceUrl } from "../../../src/azure/buildSourceUrls.js";
import type { BuildReport } from "../../../src/domain/buildReport.js";
import { DEMO_REGISTRY, DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID } from "../../../src/local/demo.js";
import { fixedToken } from "../../sandbox/acr/acrClient.js";
import { FASTAPI_FIXTURE, packFixture } from "../../support/packFixture.js";
import { startDemoWorld, type DemoWorld } from "../readme/demoWorld.js";

describe("demo-build builds the FastAPI fixture from an upload", () => {
  let demo: DemoWorld;
  beforeAll(async () => {
    demo = await startDemoWorld();
  });
  afterAll(async () => {
    await demo?.stop();
  });

  async function deploy(tag: string, changes: Record<string, string> = {}): Promise<{ status: string; build?: BuildReport; steps: { name: string; status: string }[] }> {
    const acr = new ContainerRegistryManagementClient(fixedToken, DEMO_SUBSCRIPTION_ID, { endpoint: demo.sandbox.origin, credentialScopes: [`${demo.sandbox.origin}/.default`], tlsOptions: { ca: demo.sandbox.caPem } });
    const slot = await acr.registries.getBuildSourceUploadUrl(DEMO_RESOURCE_GROUP, DEMO_REGISTRY.name);
    await new BlockBlobClient(slot.uploadUrl!, undefined, { tlsOptions: { ca: demo.sandbox.caPem } } as StoragePipelineOptions).uploadData(packFixture(FASTAPI_FIXTURE, changes));
    rememberBuildSourceUrl({ relativePath: slot.relativePath!, uploadUrl: slot.uploadUrl!, expiresOn: new Date(Date.now() + 60 * 60_000) });
    const started = await demo.client.request<{ id: string }>("POST", "/deployments", { body: { target: "demo-build", tag, build: { source: { kind: "upload", relativePath: slot.relativePath } } } });
    expect(started.status).toBe(202);
    await demo.runToEnd(started.body.id);
    const got = await demo.client.request<{ status: string; build?: BuildReport; steps: { name: string; status: string }[] }>("GET", `/deployments/${started.body.id}`);
    return got.body;
  }

  it("deploys on the first run, and a second run with one changed source file shows the cache report", async () => {
    const first = await deploy("fixture-1");
    expect(first.status).toBe("Succeeded");
    expect(first.steps.find((step) => step.name === "lint")?.status).toBe("succeeded");
    expect(first.build?.lint?.findings).toEqual([]);
    expect(first.build?.cache).toEqual({ steps: 5, cached: 0, executed: 5 });

    const second = await deploy("fixture-2", { "src/app/routes.py": '"""Routes, changed."""\n' });
    expect(second.status).toBe("Succeeded");
    expect(second.build?.layers).toMatchObject({ total: 6, new: 1, reused: 5 });
    expect(second.build?.summary).toMatch(/^1 of 6 layers new, .* of .*; 4\/5 steps cached$/);
  });
});
