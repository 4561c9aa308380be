/**
 * `npm start`'s `demo-build` target builds the repository's FastAPI fixture from an uploaded context,
 * as `aca-rollout deploy --target demo-build --context examples/fastapi-demo` does it: an upload slot
 * from `POST /api/uploads`, the archive uploaded with @azure/storage-blob, then `POST /api/deployments` with the upload as the
 * build's source. The first deploy succeeds; a second one with one changed source file shows the
 * cache report in `GET /api/deployments/{id}` (validated against the OpenAPI document).
 */
import { BlockBlobClient, type StoragePipelineOptions } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildReport } from "../../../src/domain/buildReport.js";
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

  async function deploy(tag: string, changes: Record<string, string> = {}): Promise<{ status: string; build?: BuildReport; steps: { name: string; status: string; detail?: string }[] }> {
    const slot = (await demo.client.request<{ uploadUrl: string; relativePath: string }>("POST", "/uploads", { body: { target: "demo-build" } })).body;
    await new BlockBlobClient(slot.uploadUrl, undefined, { tlsOptions: { ca: demo.sandbox.caPem } } as StoragePipelineOptions).uploadData(packFixture(FASTAPI_FIXTURE, changes));
    const started = await demo.client.request<{ id: string }>("POST", "/deployments", { body: { target: "demo-build", tag, build: { source: { kind: "upload", relativePath: slot.relativePath } } } });
    expect(started.status).toBe(202);
    await demo.runToEnd(started.body.id);
    const got = await demo.client.request<{ status: string; build?: BuildReport; steps: { name: string; status: string; detail?: string }[] }>("GET", `/deployments/${started.body.id}`);
    return got.body;
  }

  it("deploys on the first run, and a second run with one changed source file shows the cache report", async () => {
    const first = await deploy("fixture-1");
    expect(first.status).toBe("Succeeded");
    expect(first.steps.find((step) => step.name === "lint"), JSON.stringify(first.steps)).toMatchObject({ status: "succeeded" });
    expect(first.build?.lint?.findings).toEqual([]);
    expect(first.build?.cache).toEqual({ steps: 5, cached: 0, executed: 5 });

    const second = await deploy("fixture-2", { "src/app/routes.py": '"""Routes, changed."""\n' });
    expect(second.status).toBe("Succeeded");
    expect(second.build?.layers).toMatchObject({ total: 6, new: 1, reused: 5 });
    expect(second.build?.summary).toMatch(/^1 of 6 layers new, .* of .*; 4\/5 steps cached$/);
  });
});
