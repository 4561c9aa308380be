/**
 * The sandbox builds an uploaded context as BuildKit would: layers follow from the Dockerfile and the
 * files (a changed file changes only the layers from its COPY on), the registry cache makes unchanged
 * steps CACHED and cheaper, and the run pushes one real OCI manifest under both of its tags. The run
 * request is the product's own (`scheduleRunRequest`), so the sandbox reads the task aca-rollout sends.
 */
import { ContainerRegistryContentClient, KnownContainerRegistryAudience } from "@azure/container-registry";
import { BlockBlobClient, type StoragePipelineOptions } from "@azure/storage-blob";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { scheduleRunRequest } from "../../../src/activities/scheduleBuild.js";
import { VirtualClock } from "../../../src/common/clock.js";
import { buildSchema } from "../../../src/domain/deployment.js";
import { parseBuildKitCache } from "../../../src/policies/buildKitLog.js";
import { registryEndpoint } from "../../../src/sandbox/providers/acrDataPlane/index.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { FASTAPI_FIXTURE, packFixture } from "../../support/packFixture.js";
import { sandboxRequest } from "../core/sandboxHttp.js";
import { acrClient, fixedToken, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "./acrClient.js";

const LOGIN_SERVER = `${REGISTRY}.azurecr.io`;
const REPOSITORY = "demo/api";

function trusting(caPem: string): StoragePipelineOptions {
  return { retryOptions: { maxTries: 2 }, tlsOptions: { ca: caPem } } as StoragePipelineOptions;
}

describe("the sandbox's build of an uploaded Dockerfile context", () => {
  const clock = new VirtualClock("2026-11-28T09:00:00.000Z");
  let sandbox: Sandbox;
  let deploys = 0;

  beforeAll(async () => {
    sandbox = await startSandbox({ clock, durations: { runQueued: 0, buildSecond: 1_000 } });
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
  });

  /** Uploads `archive`, schedules the product's build task for it and runs it to the end. */
  async function build(archive: Buffer, options: { cache?: boolean; dockerfile?: string } = {}) {
    const client = acrClient(sandbox);
    const upload = await client.registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY);
    await new BlockBlobClient(upload.uploadUrl!, undefined, trusting(sandbox.caPem)).uploadData(archive);
    deploys += 1;
    const spec = buildSchema.parse({ registry: { resourceGroup: RESOURCE_GROUP }, source: { kind: "upload", relativePath: upload.relativePath }, cache: options.cache ?? true, ...(options.dockerfile ? { dockerfile: options.dockerfile } : {}) });
    const { request } = scheduleRunRequest(
      { deploymentId: `d${deploys}`, registry: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY }, repository: REPOSITORY, tag: "v1", build: spec },
      [],
    );
    const run = await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, request);
    const scheduled = sandbox.acr.scheduledRun(run.runId!)!;
    await clock.advance(60 * 60_000);
    const finished = await client.runs.get(RESOURCE_GROUP, REGISTRY, run.runId!);
    const { logLink } = await client.runs.getLogSasUrl(RESOURCE_GROUP, REGISTRY, run.runId!);
    const log = (await sandboxRequest(sandbox, "GET", logLink!, { bearer: false })).text;
    const seconds = (finished.finishTime!.getTime() - finished.startTime!.getTime()) / 1000;
    return { runId: run.runId!, status: finished.status, log, seconds, scheduled, deploymentId: `d${deploys}` };
  }

  async function layersOf(tag: string): Promise<{ digest: string; layers: { digest: string; size: number }[] }> {
    const content = new ContainerRegistryContentClient(registryEndpoint(sandbox.origin, LOGIN_SERVER), REPOSITORY, fixedToken, {
      audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
      tlsOptions: { ca: sandbox.caPem },
    });
    const manifest = await content.getManifest(tag);
    const parsed = JSON.parse(manifest.content.toString("utf8")) as { layers: { digest: string; size: number }[] };
    return { digest: manifest.digest, layers: parsed.layers.map(({ digest, size }) => ({ digest, size })) };
  }

  it("runs every step of a first build, pushes one manifest under both tags, and logs BuildKit's steps", async () => {
    const first = await build(packFixture(FASTAPI_FIXTURE));
    expect(first.status).toBe("Succeeded");
    // FROM, WORKDIR, COPY requirements.txt, RUN pip install, COPY . .
    expect(parseBuildKitCache(first.log)).toEqual({ steps: 5, cached: 0, executed: 5 });
    expect(first.log).toContain("[1/5] FROM docker.io/library/python:3.11-slim@sha256:");
    expect(first.log).toContain("[4/5] RUN pip install --no-cache-dir -r requirements.txt");
    const image = await layersOf("v1");
    expect(await layersOf(`deploy-${first.deploymentId}`)).toEqual(image);
    expect(first.scheduled.outputImages.map((output) => output.digest)).toEqual([image.digest, image.digest]);
    // Three base layers, then COPY requirements.txt, RUN pip install, COPY . .
    expect(image.layers).toHaveLength(6);
  });

  it("with the cache, a code-only change runs only the last COPY: one new layer, and a much shorter run", async () => {
    const first = await build(packFixture(FASTAPI_FIXTURE));
    const before = await layersOf("v1");
    const second = await build(packFixture(FASTAPI_FIXTURE, { "src/app/routes.py": "# changed\n" }));
    const after = await layersOf("v1");
    expect(parseBuildKitCache(second.log)).toEqual({ steps: 5, cached: 4, executed: 1 });
    expect(after.layers.slice(0, 5)).toEqual(before.layers.slice(0, 5));
    expect(after.layers[5]!.digest).not.toBe(before.layers[5]!.digest);
    // The COPY runs on the five cached layers under it: the agent starts empty, so it pulls them first, in the COPY's vertex.
    const copyVertex = /#(\d+) \[5\/5\] COPY \. \./.exec(second.log)![1]!;
    const pulled = [...second.log.matchAll(new RegExp(`#${copyVertex} extracting (sha256:[0-9a-f]{64}) done`, "g"))].map((match) => match[1]);
    expect(pulled).toEqual(before.layers.slice(0, 5).map((layer) => layer.digest));
    expect(second.seconds).toBeLessThan(first.seconds / 2);
  });

  it("with the cache, an unchanged context is CACHED throughout and pulls nothing", async () => {
    const first = await build(packFixture(FASTAPI_FIXTURE));
    const second = await build(packFixture(FASTAPI_FIXTURE));
    expect(parseBuildKitCache(second.log)).toEqual({ steps: 5, cached: 5, executed: 0 });
    expect(second.log).not.toContain("extracting");
    expect(second.seconds).toBeLessThan(first.seconds / 4);
  });

  it("with the cache, a dependency change runs from its COPY on and reuses the base image", async () => {
    await build(packFixture(FASTAPI_FIXTURE));
    const before = await layersOf("v1");
    const second = await build(packFixture(FASTAPI_FIXTURE, { "requirements.txt": "fastapi==0.115.6\nuvicorn[standard]==0.34.0\npydantic==2.10.4\nhttpx==0.28.1\n" }));
    const after = await layersOf("v1");
    expect(parseBuildKitCache(second.log)).toEqual({ steps: 5, cached: 2, executed: 3 });
    expect(after.layers.slice(0, 3)).toEqual(before.layers.slice(0, 3));
    for (const index of [3, 4, 5]) expect(after.layers[index]!.digest).not.toBe(before.layers[index]!.digest);
    // One more requirement installs more.
    expect(after.layers[4]!.size).toBeGreaterThan(before.layers[4]!.size);
  });

  it("without the cache, an unchanged context runs every step again and only the base layers are the same", async () => {
    const first = await build(packFixture(FASTAPI_FIXTURE), { cache: false });
    const before = await layersOf("v1");
    const second = await build(packFixture(FASTAPI_FIXTURE), { cache: false });
    const after = await layersOf("v1");
    expect(parseBuildKitCache(second.log)).toEqual({ steps: 5, cached: 0, executed: 5 });
    expect(second.log).not.toContain("importing cache manifest");
    expect(after.layers.slice(0, 3)).toEqual(before.layers.slice(0, 3));
    for (const index of [3, 4, 5]) expect(after.layers[index]!.digest).not.toBe(before.layers[index]!.digest);
    expect(second.seconds).toBe(first.seconds);
  });

  it("fails the run with BuildKit's error when a COPY source is missing", async () => {
    const archive = packFixture(FASTAPI_FIXTURE, { Dockerfile: "FROM python:3.11-slim\nWORKDIR /app\nCOPY poetry.lock .\n" });
    const run = await build(archive);
    expect(run.status).toBe("Failed");
    expect(run.log).toContain('"/poetry.lock": not found');
  });

  it("builds the stage a multi-stage Dockerfile ends with, copying from the builder", async () => {
    const dockerfile = [
      "FROM python:3.11-slim AS builder",
      "WORKDIR /app",
      "COPY requirements.txt .",
      "RUN pip install --user --no-cache-dir -r requirements.txt",
      "FROM python:3.11-slim",
      "WORKDIR /app",
      "COPY --from=builder /root/.local /root/.local",
      "ENV PATH=/root/.local/bin:$PATH",
      "COPY . .",
      'CMD ["python", "api.py"]',
    ].join("\n");
    await build(packFixture(FASTAPI_FIXTURE, { Dockerfile: dockerfile }));
    const before = await layersOf("v1");
    const second = await build(packFixture(FASTAPI_FIXTURE, { Dockerfile: dockerfile, "api.py": "# changed\n" }));
    const after = await layersOf("v1");
    // builder: FROM, WORKDIR, COPY, RUN; final: FROM (shared), WORKDIR, COPY --from, COPY . .
    expect(parseBuildKitCache(second.log)).toEqual({ steps: 8, cached: 7, executed: 1 });
    expect(second.log).toContain("[builder 4/4] RUN pip install --user");
    // Three base layers, the packages copied from the builder, the code.
    expect(after.layers).toHaveLength(5);
    expect(after.layers.slice(0, 4)).toEqual(before.layers.slice(0, 4));
  });
});
