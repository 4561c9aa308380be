/**
 * The layer report through the real ACR data-plane SDK (`@azure/container-registry`) against a real
 * OCI registry: Debian's docker-registry behind the sandbox's ACR front (and the in-memory stand-in).
 * Two images that share their base layers are pushed with known layers, and the report must count
 * them exactly; then two sandbox builds of the fixture are reported end to end, log included.
 */
import { BlockBlobClient, type StoragePipelineOptions } from "@azure/storage-blob";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportBuild, splitImage } from "../../src/activities/reportBuild.js";
import { scheduleRunRequest } from "../../src/activities/scheduleBuild.js";
import type { ActivityServices } from "../../src/activities/services.js";
import { AzureClients } from "../../src/azure/clients.js";
import { VirtualClock } from "../../src/common/clock.js";
import { loadSettings } from "../../src/config/settings.js";
import { buildSchema } from "../../src/domain/deployment.js";
import { startDockerRegistry, type DockerRegistryService } from "../../src/local/services/dockerRegistry.js";
import { productSettingsFor } from "../../src/sandbox/productSettings.js";
import { MediaTypes } from "../../src/sandbox/providers/acrDataPlane/registryBackend.js";
import type { CachedLayer } from "../../src/sandbox/providers/containerRegistry/dockerBuild/buildCache.js";
import { layerOf, payload, sha256Digest } from "../../src/sandbox/providers/containerRegistry/dockerBuild/layerBlobs.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { needsDockerRegistry } from "../support/dockerRegistryAvailability.js";
import { FASTAPI_FIXTURE, packFixture } from "../support/packFixture.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000b7";
const RESOURCE_GROUP = "rg-layers";
const REGISTRY = "layersacr";
const LOGIN_SERVER = `${REGISTRY}.azurecr.io`;
const REPOSITORY = "team/api";
const REGISTRY_REF = { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY };

/** An OCI image of exactly `layers`, with the blob bytes embedded so the data plane can push them. */
function image(layers: CachedLayer[], name: string): { digest: string; manifest: { mediaType: string; content: Buffer } } {
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: { Labels: { name } }, rootfs: { type: "layers", diff_ids: layers.map((layer) => layer.diffId) } }));
  const descriptor = (mediaType: string, content: Buffer) => ({ mediaType, digest: sha256Digest(content), size: content.length, data: content.toString("base64") });
  const content = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: descriptor(MediaTypes.ociConfig, config), layers: layers.map((layer) => descriptor(layer.mediaType, layer.content)) }));
  return { digest: sha256Digest(content), manifest: { mediaType: MediaTypes.ociManifest, content } };
}

const layer = (seed: string, size: number): CachedLayer => layerOf([{ path: `data/${seed}.bin`, content: payload(seed, size) }]);

for (const kind of ["docker-registry", "memory"] as const) {
  describe(`reportBuild against the ACR data plane (${kind})`, needsDockerRegistry(kind === "docker-registry"), () => {
    const clock = new VirtualClock("2026-11-28T09:00:00.000Z");
    let registry: DockerRegistryService | undefined;
    let sandbox: Sandbox;
    let services: ActivityServices;
    let dir: string;

    beforeAll(async () => {
      registry = kind === "docker-registry" ? await startDockerRegistry() : undefined;
      sandbox = await startSandbox({
        clock,
        durations: { runQueued: 0, buildSecond: 1_000, lroPoll: 0 },
        registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY }],
        ...(registry ? { dataPlane: { upstreamUrl: registry.url } } : {}),
      });
      expect(sandbox.dataPlane.backendKind).toBe(kind);
      dir = await mkdtemp(join(tmpdir(), "aca-rollout-layers-"));
      await writeFile(join(dir, "ca.pem"), sandbox.caPem);
      const settings = loadSettings(productSettingsFor(sandbox.origin, join(dir, "ca.pem"), [LOGIN_SERVER]));
      services = { azure: new AzureClients(settings, { maxRetries: 1, retryDelayInMs: 5, maxRetryDelayInMs: 20 }), settings, lroPollIntervalMs: 5 };
    });
    afterAll(async () => {
      await sandbox?.stop();
      await registry?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("counts exactly the layers two images share and the bytes of the ones they do not", async () => {
      const base = [layer("os", 70_000), layer("python", 30_000), layer("pip", 5_000)];
      const oldApp = image([...base, layer("deps-1", 40_000), layer("code-1", 3_000)], "old");
      const newCode = layer("code-2", 3_100);
      const newDeps = layer("deps-2", 44_000);
      const newApp = image([...base, newDeps, newCode], "new");
      expect(await sandbox.dataPlane.onImagePushed(LOGIN_SERVER, REPOSITORY, "v1", oldApp.digest, oldApp.manifest)).toBe(oldApp.digest);
      expect(await sandbox.dataPlane.onImagePushed(LOGIN_SERVER, REPOSITORY, "v2", newApp.digest, newApp.manifest)).toBe(newApp.digest);

      const report = await reportBuild(
        { registry: REGISTRY_REF, runId: "nosuchrun", image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, digest: newApp.digest }, baselineImage: `${LOGIN_SERVER}/${REPOSITORY}@${oldApp.digest}` },
        services,
      );
      const sizes = [...base, newDeps, newCode].map((blob) => blob.content.length);
      expect(report.layers).toEqual({
        total: 5,
        new: 2,
        reused: 3,
        bytesTotal: sizes.reduce((a, b) => a + b, 0),
        bytesNew: newDeps.content.length + newCode.content.length,
        comparedWith: oldApp.digest,
      });
      // There is no such run: its log cannot be read, and the report says so without failing.
      expect(report.cache).toBeUndefined();
      expect(report.problems.join("\n")).toContain("reading the log of ACR run nosuchrun");

      // A baseline named by tag, and one that is gone.
      const byTag = await reportBuild({ registry: REGISTRY_REF, runId: "nosuchrun", image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, digest: newApp.digest }, baselineImage: `${LOGIN_SERVER}/${REPOSITORY}:v1` }, services);
      expect(byTag.layers).toMatchObject({ new: 2, reused: 3, comparedWith: "v1" });
      const gone = await reportBuild({ registry: REGISTRY_REF, runId: "nosuchrun", image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, digest: newApp.digest }, baselineImage: `${LOGIN_SERVER}/${REPOSITORY}:v0` }, services);
      expect(gone.layers).toMatchObject({ total: 5, new: 5, reused: 0 });
      expect(gone.layers?.comparedWith).toBeUndefined();
      expect(gone.problems.join("\n")).toContain(`reading the last known good image ${LOGIN_SERVER}/${REPOSITORY}:v0`);
    });

    it("reports a sandbox build of a code-only change: one new layer, 4/5 steps cached", async () => {
      const built: string[] = [];
      const runs: string[] = [];
      const edits: Record<string, string>[] = [{}, { "src/app/routes.py": "# changed\n" }];
      for (const [index, changes] of edits.entries()) {
        const acr = services.azure.containerRegistry(SUBSCRIPTION);
        const upload = await acr.registries.getBuildSourceUploadUrl(RESOURCE_GROUP, REGISTRY);
        const options = { tlsOptions: { ca: sandbox.caPem } } as StoragePipelineOptions;
        await new BlockBlobClient(upload.uploadUrl!, undefined, options).uploadData(packFixture(FASTAPI_FIXTURE, changes));
        const build = buildSchema.parse({ registry: { resourceGroup: RESOURCE_GROUP }, source: { kind: "upload", relativePath: upload.relativePath } });
        const { request } = scheduleRunRequest({ deploymentId: `${kind}-${index}`, registry: REGISTRY_REF, repository: "team/report", tag: "v1", build }, []);
        const run = await acr.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, request);
        await clock.advance(10 * 60_000);
        await sandbox.dataPlane.whenIdle();
        runs.push(run.runId!);
        built.push((await sandbox.dataPlane.resolveTag(LOGIN_SERVER, "team/report", `deploy-${kind}-${index}`))!);
      }
      const report = await reportBuild(
        { registry: REGISTRY_REF, runId: runs[1]!, image: { loginServer: LOGIN_SERVER, repository: "team/report", digest: built[1]! }, baselineImage: `${LOGIN_SERVER}/team/report@${built[0]!}` },
        services,
      );
      expect(report.problems).toEqual([]);
      expect(report.layers).toMatchObject({ total: 6, new: 1, reused: 5, comparedWith: built[0] });
      expect(report.layers!.bytesNew).toBeLessThan(2_000);
      expect(report.cache).toEqual({ steps: 5, cached: 4, executed: 1 });
    });
  });
}

describe("splitImage", () => {
  it("splits by-digest, by-tag and untagged references", () => {
    expect(splitImage("acr.azurecr.io/team/web@sha256:abc")).toEqual({ loginServer: "acr.azurecr.io", repository: "team/web", reference: "sha256:abc" });
    expect(splitImage("ACR.azurecr.io:443/web:v1")).toEqual({ loginServer: "acr.azurecr.io:443", repository: "web", reference: "v1" });
    expect(splitImage("acr.azurecr.io/web")).toEqual({ loginServer: "acr.azurecr.io", repository: "web", reference: "latest" });
    expect(splitImage("web")).toBeUndefined();
  });
});
