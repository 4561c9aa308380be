/**
 * Issue 13 §4 end to end on the local runtime and the sandbox: deploys that build the FastAPI fixture
 * from an uploaded context. The sandbox builds it as BuildKit would and the deploy reports, in its
 * status, the layers against the app's last known good image and the steps BuildKit found cached; the
 * lint step reports its findings, and blocks only where the deploy says `lint: error`.
 */
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { BlockBlobClient, type StoragePipelineOptions } from "@azure/storage-blob";
import { describe, expect, it } from "vitest";
import { rememberBuildSourceUrl } from "../../src/azure/buildSourceUrls.js";
import { fixedToken } from "../sandbox/acr/acrClient.js";
import { FASTAPI_FIXTURE, packFixture } from "../support/packFixture.js";
import { LOGIN_SERVER, REGISTRY_NAME, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION, outputOf, stepStatus, useDeployWorld, type DeployWorld } from "./world.js";

let world: DeployWorld;
// One simulated build second takes a second of (virtual) time, as on a real agent.
useDeployWorld((started) => (world = started), { durations: { buildSecond: 1_000 } });

function acrClient(): ContainerRegistryManagementClient {
  return new ContainerRegistryManagementClient(fixedToken, SUBSCRIPTION, { endpoint: world.sandbox.origin, credentialScopes: [`${world.sandbox.origin}/.default`], tlsOptions: { ca: world.sandbox.caPem } });
}

/** Uploads `archive` as the CLI does (an upload slot from ACR, then @azure/storage-blob) and returns its relative path. */
async function upload(archive: Buffer): Promise<string> {
  const slot = await acrClient().registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY_NAME);
  await new BlockBlobClient(slot.uploadUrl!, undefined, { tlsOptions: { ca: world.sandbox.caPem } } as StoragePipelineOptions).uploadData(archive);
  // What POST /api/uploads does when it hands the slot out: the lint step reads the context through it.
  rememberBuildSourceUrl({ relativePath: slot.relativePath!, uploadUrl: slot.uploadUrl! });
  return slot.relativePath!;
}

/** Deploys `app` from an uploaded `archive`; returns the output and the build's running time in ms. */
async function deployFrom(app: string, archive: Buffer, extra: { lint?: "off" | "warn" | "error"; cache?: boolean } = {}) {
  const relativePath = await upload(archive);
  const request = world.request(app, {
    image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, tag: "fastapi" },
    build: { registry: { resourceGroup: RESOURCE_GROUP }, source: { kind: "upload", relativePath }, ...(extra.cache !== undefined ? { cache: extra.cache } : {}) },
    ...(extra.lint ? { lint: extra.lint } : {}),
  });
  const id = await world.start(request);
  const out = outputOf(await world.runToEnd(id));
  // How long ACR says the run ran: the steps it executed, not the poll that noticed it.
  const run = out.runId ? await acrClient().runs.get(RESOURCE_GROUP, REGISTRY_NAME, out.runId) : undefined;
  const runMs = run?.startTime && run.finishTime ? run.finishTime.getTime() - run.startTime.getTime() : undefined;
  return { id, out, runMs };
}

describe("deploys that build an uploaded context report their layers and cache", () => {
  it("code-only change rebuilds only the code layer; a dependency change rebuilds from the dependency layer", async () => {
    const app = await world.seedApp("web-layers");

    // First build: nothing in common with the seeded image, nothing cached.
    const first = await deployFrom(app.name, packFixture(FASTAPI_FIXTURE));
    expect(first.out.outcome).toBe("Succeeded");
    expect(first.out.build?.layers).toMatchObject({ total: 6, new: 6, reused: 0, comparedWith: app.digest });
    expect(first.out.build?.cache).toEqual({ steps: 5, cached: 0, executed: 5 });
    expect(stepStatus(first.out, "lint")).toBe("succeeded");
    expect(first.out.build?.lint).toMatchObject({ mode: "warn", findings: [] });

    // A code-only change: the last COPY's layer is the only new one, and only its step ran.
    const second = await deployFrom(app.name, packFixture(FASTAPI_FIXTURE, { "src/app/routes.py": 'router = "changed"\n' }));
    expect(second.out.outcome).toBe("Succeeded");
    const layers = second.out.build!.layers!;
    expect(layers).toMatchObject({ total: 6, new: 1, reused: 5, comparedWith: first.out.digest });
    expect(layers.bytesNew).toBeLessThan(layers.bytesTotal / 50);
    expect(second.out.build?.cache).toEqual({ steps: 5, cached: 4, executed: 1 });
    expect(second.out.build?.summary).toMatch(/^1 of 6 layers new, [\d.]+ kB of [\d.]+ kB; 4\/5 steps cached$/);
    // Cache savings show in time: the cached build runs a fraction of the first one's time (it still
    // pulls the cached layers under the changed COPY onto the empty agent).
    expect(first.runMs).toBeGreaterThan(25_000);
    expect(second.runMs).toBeLessThan(first.runMs! / 2);

    // A dependency change: from the requirements COPY on, the base image still reused.
    const third = await deployFrom(app.name, packFixture(FASTAPI_FIXTURE, { "src/app/routes.py": 'router = "changed"\n', "requirements.txt": "fastapi==0.115.6\nuvicorn[standard]==0.34.0\npydantic==2.10.4\nhttpx==0.28.1\n" }));
    expect(third.out.outcome).toBe("Succeeded");
    expect(third.out.build?.layers).toMatchObject({ total: 6, new: 3, reused: 3, comparedWith: second.out.digest });
    expect(third.out.build?.cache).toEqual({ steps: 5, cached: 2, executed: 3 });
    expect(world.app(app.name).template.containers[0]!.image).toBe(`${LOGIN_SERVER}/${REPOSITORY}@${third.out.digest}`);
  });

  it("without the registry cache every step runs again, and only the base layers are reused", async () => {
    const app = await world.seedApp("web-nocache");
    await deployFrom(app.name, packFixture(FASTAPI_FIXTURE), { cache: false });
    const again = await deployFrom(app.name, packFixture(FASTAPI_FIXTURE), { cache: false });
    expect(again.out.outcome).toBe("Succeeded");
    expect(again.out.build?.cache).toEqual({ steps: 5, cached: 0, executed: 5 });
    expect(again.out.build?.layers).toMatchObject({ total: 6, new: 3, reused: 3 });
  });

  const ANTIPATTERN = "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"api.py\"]\n";

  it("puts the lint's findings in the status and still deploys when the lint only warns", async () => {
    const app = await world.seedApp("web-lint-warn");
    const { out } = await deployFrom(app.name, packFixture(FASTAPI_FIXTURE, { Dockerfile: ANTIPATTERN }));
    expect(out.outcome).toBe("Succeeded");
    const rules = out.build?.lint?.findings.map((finding) => finding.rule);
    expect(rules).toEqual(expect.arrayContaining(["copy-all-before-install", "pip-cache-kept"]));
    expect(out.build?.lint?.findings.find((finding) => finding.rule === "copy-all-before-install")).toMatchObject({ file: "Dockerfile", line: 3, category: "cache" });
    const lint = out.steps.find((step) => step.name === "lint")!;
    expect(lint.status).toBe("succeeded");
    expect(lint.detail).toMatch(/^\d+ findings \(\d+ cache/);
    // The timeline lists the lint where it ran: after inspect, before the build.
    const names = out.steps.map((step) => step.name);
    expect(names.indexOf("lint")).toBe(names.indexOf("inspect") + 1);
  });

  it("blocks the deploy before the build when the target sets lint: error, leaving the app as it was", async () => {
    const app = await world.seedApp("web-lint-error");
    const runsBefore = world.sandbox.acr.scheduledRuns().length;
    const { out } = await deployFrom(app.name, packFixture(FASTAPI_FIXTURE, { Dockerfile: ANTIPATTERN }), { lint: "error" });
    expect(out.outcome).toBe("Failed");
    expect(out.reason).toMatch(/lint: error .*copy-all-before-install/);
    expect(stepStatus(out, "lint")).toBe("failed");
    expect(stepStatus(out, "build")).toBe("skipped");
    expect(out.build?.lint?.mode).toBe("error");
    expect(world.sandbox.acr.scheduledRuns()).toHaveLength(runsBefore);
    expect(world.app(app.name).template.containers[0]!.image).toBe(app.image);

    // A clean Dockerfile passes the same gate.
    const clean = await deployFrom(app.name, packFixture(FASTAPI_FIXTURE), { lint: "error" });
    expect(clean.out.outcome).toBe("Succeeded");
  });
});
