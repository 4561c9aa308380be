import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { RestError } from "@azure/core-rest-pipeline";
import { ContainerRegistryClient, ContainerRegistryContentClient, KnownContainerRegistryAudience } from "@azure/container-registry";
import { BACKENDS, fixedCredential, startDataPlane, type DataPlaneHarness } from "./harness.js";
import { needsDockerRegistry } from "../../support/dockerRegistryAvailability.js";
import { buildSandboxImage } from "../../../src/sandbox/providers/acrDataPlane/index.js";
import { buildImageManifest } from "../../../src/sandbox/providers/containerRegistry/imageManifest.js";

const REGISTRY = "demo.azurecr.io";
const sha256 = (content: Buffer): string => `sha256:${createHash("sha256").update(content).digest("hex")}`;

/** The first ACR/Distribution error code carried by a RestError (`RestError.code` stays unset for `{ errors: [...] }`). */
function acrCode(error: unknown): string | undefined {
  if (!(error instanceof RestError)) return undefined;
  expect(error.code).toBeUndefined();
  const body = JSON.parse(error.response?.bodyAsText ?? "{}") as { errors?: { code?: string }[] };
  return body.errors?.[0]?.code;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

for (const kind of BACKENDS) describe(`ACR data plane with @azure/container-registry over HTTPS (${kind})`, needsDockerRegistry(kind === "docker-registry"), () => {
  let plane: DataPlaneHarness;
  const clientOptions = () => ({
    audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
    tlsOptions: { ca: plane.caPem },
    retryOptions: { maxRetries: 0 },
  });
  const registryClient = (loginServer = REGISTRY) => new ContainerRegistryClient(plane.endpoint(loginServer), fixedCredential, clientOptions());
  const contentClient = (repository: string, loginServer = REGISTRY) =>
    new ContainerRegistryContentClient(plane.endpoint(loginServer), repository, fixedCredential, clientOptions());

  beforeAll(async () => {
    plane = await startDataPlane(kind);
  });
  afterAll(async () => {
    await plane?.stop();
  });

  it("resolves a seeded tag to the digest the registry itself reports", async () => {
    const seeded = await plane.provider.seedImage(REGISTRY, "team/app", "v1", { nonce: "build-1" });
    const upstream = await plane.backend.send({
      method: "HEAD",
      path: `/v2/${plane.namespace}-g0/${REGISTRY}/team/app/manifests/v1`,
      headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    expect(upstream.status).toBe(200);
    expect(upstream.headers["docker-content-digest"]).toBe(seeded);

    const properties = await registryClient().getArtifact("team/app", "v1").getManifestProperties();
    expect(properties.digest).toBe(seeded);
    expect(properties.registryLoginServer).toBe(REGISTRY);
    expect(properties.repositoryName).toBe("team/app");
    expect(properties.tags).toEqual(["v1"]);
    expect(properties.architecture).toBe("amd64");
    expect(properties.operatingSystem).toBe("linux");
    expect(properties.sizeInBytes).toBeGreaterThan(0);
    expect(properties.createdOn?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
  });

  it("serves the manifest bytes that hash to the digest (the content client verifies them)", async () => {
    const seeded = await plane.provider.seedImage(REGISTRY, "team/web", "stable", { layers: [{ path: "app/version.txt", content: "1.2.3" }] });
    const manifest = await contentClient("team/web").getManifest("stable");
    expect(manifest.digest).toBe(seeded);
    expect(manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(sha256(manifest.content)).toBe(seeded);
    const layers = (manifest.manifest as { layers: unknown[] }).layers;
    expect(layers).toHaveLength(2);
  });

  it("reports a missing tag as 404 with ACR's error codes", async () => {
    await plane.provider.seedImage(REGISTRY, "team/app", "v1");
    const viaMetadata = await caught(registryClient().getArtifact("team/app", "no-such-tag").getManifestProperties());
    expect(viaMetadata).toBeInstanceOf(RestError);
    expect((viaMetadata as RestError).statusCode).toBe(404);
    expect(acrCode(viaMetadata)).toBe("TAG_UNKNOWN");

    const viaManifest = await caught(contentClient("team/app").getManifest("no-such-tag"));
    expect((viaManifest as RestError).statusCode).toBe(404);
    expect(acrCode(viaManifest)).toBe("MANIFEST_UNKNOWN");

    const unknownRepository = await caught(registryClient().getArtifact("team/none", "v1").getManifestProperties());
    expect((unknownRepository as RestError).statusCode).toBe(404);
    expect(acrCode(unknownRepository)).toBe("NAME_UNKNOWN");
  });

  it("runs ACR's challenge flow: 401, AAD token exchanged, scoped access token, retried call", async () => {
    await plane.provider.seedImage(REGISTRY, "team/flow", "v1");
    plane.callLog.clear();
    const before = plane.provider.stats();
    await registryClient().getArtifact("team/flow", "v1").getManifestProperties();
    const calls = plane.callLog.calls().map((call) => `${call.method} ${call.path.slice(plane.endpoint(REGISTRY).length - plane.origin.length)} ${call.status}`);
    expect(calls.slice(0, 4)).toEqual([
      "GET /acr/v1/team%2Fflow/_tags/v1 401",
      "POST /oauth2/exchange 200",
      "POST /oauth2/token 200",
      "GET /acr/v1/team%2Fflow/_tags/v1 200",
    ]);
    const after = plane.provider.stats();
    expect(after.exchanges).toBeGreaterThan(before.exchanges);
    expect(after.accessTokens).toBeGreaterThan(before.accessTokens);
    expect(plane.callLog.calls().every((call) => call.plane === "data")).toBe(true);
  });

  it("refuses a request without a token with ACR's challenge", async () => {
    const response = await rawRequest(plane, "GET", `${plane.endpoint(REGISTRY)}/v2/team/app/manifests/v1`);
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toBe(
      `Bearer realm="${plane.endpoint(REGISTRY)}/oauth2/token",service="${REGISTRY}",scope="repository:team/app:pull"`,
    );
    expect((JSON.parse(response.body) as { errors: { code: string }[] }).errors[0]!.code).toBe("UNAUTHORIZED");
  });

  it("refuses an access token issued for another registry, even on the same origin", async () => {
    const other = "other.azurecr.io";
    const token = await accessTokenFor(plane, other, "repository:team/app:pull");
    const response = await rawRequest(plane, "GET", `${plane.endpoint(REGISTRY)}/v2/team/app/manifests/v1`, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toContain('error="invalid_token"');
    const accepted = await rawRequest(plane, "GET", `${plane.endpoint(other)}/v2/`, { authorization: `Bearer ${token}` });
    expect(accepted.status).toBe(200);
  });

  it("keeps registries on one origin apart", async () => {
    const first = await plane.provider.seedImage(REGISTRY, "shared/app", "v1", { nonce: "a" });
    const second = await plane.provider.seedImage("other.azurecr.io", "shared/app", "v1", { nonce: "b" });
    expect(first).not.toBe(second);
    expect((await registryClient().getArtifact("shared/app", "v1").getManifestProperties()).digest).toBe(first);
    expect((await registryClient("other.azurecr.io").getArtifact("shared/app", "v1").getManifestProperties()).digest).toBe(second);
    const names: string[] = [];
    for await (const name of registryClient("other.azurecr.io").listRepositoryNames()) names.push(name);
    expect(names).toEqual(["shared/app"]);
  });

  it("expires access tokens on the sandbox clock, and the client recovers through a new challenge", async () => {
    await plane.provider.seedImage(REGISTRY, "team/clock", "v1");
    const token = await accessTokenFor(plane, REGISTRY, "repository:team/clock:pull");
    const path = `${plane.endpoint(REGISTRY)}/v2/team/clock/manifests/v1`;
    const accept = "application/vnd.oci.image.manifest.v1+json";
    expect((await rawRequest(plane, "HEAD", path, { authorization: `Bearer ${token}`, accept })).status).toBe(200);
    await plane.clock.advance(76 * 60 * 1000);
    const expired = await rawRequest(plane, "HEAD", path, { authorization: `Bearer ${token}`, accept });
    expect(expired.status).toBe(401);
    expect(expired.headers["www-authenticate"]).toContain('error="invalid_token"');
    const client = registryClient();
    expect((await client.getArtifact("team/clock", "v1").getManifestProperties()).tags).toEqual(["v1"]);
  });

  it("accepts uploads from the SDK's content client (chunked upload, Location under the path prefix)", async () => {
    const client = contentClient("team/uploaded");
    const config = Buffer.from(JSON.stringify({ architecture: "arm64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
    const uploaded = await client.uploadBlob(config);
    expect(uploaded.digest).toBe(sha256(config));
    const manifest = { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: uploaded.digest, size: config.length }, layers: [] };
    const { digest } = await client.setManifest(Buffer.from(JSON.stringify(manifest)), { tag: "v9" });
    const properties = await registryClient().getArtifact("team/uploaded", "v9").getManifestProperties();
    expect(properties.digest).toBe(digest);
    expect(properties.architecture).toBe("arm64");
    const downloaded = await client.downloadBlob(uploaded.digest);
    const chunks: Buffer[] = [];
    for await (const chunk of downloaded.content) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(config);
  });

  it("serves an image announced through ImagePushSink to the very next read, at the announced digest", async () => {
    const image = buildSandboxImage({ loginServer: REGISTRY, repository: "team/built", tag: "run-ca1", nonce: "ca1" });
    // Fire and forget, as the ACR Tasks provider does.
    const failuresBefore = plane.provider.pushFailures().length;
    void plane.provider.onImagePushed(REGISTRY, "team/built", "run-ca1", image.digest, image.manifest);
    const properties = await registryClient().getArtifact("team/built", "run-ca1").getManifestProperties();
    expect(properties.digest).toBe(image.digest);
    expect(plane.provider.pushFailures()).toHaveLength(failuresBefore);
  });

  it("builds an image itself when told only the tag, and reports pushes it cannot store", async () => {
    const digest = await plane.provider.onImagePushed(REGISTRY, "team/three", "v1");
    expect(await plane.provider.resolveTag(REGISTRY, "team/three", "v1")).toBe(digest);

    const foreign = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${"1".repeat(64)}`, size: 2 },
      layers: [],
    }));
    await expect(plane.provider.onImagePushed(REGISTRY, "team/foreign", "v1", sha256(foreign), { mediaType: "application/vnd.oci.image.manifest.v1+json", content: foreign }))
      .rejects.toMatchObject({ code: "MANIFEST_BLOB_UNKNOWN" });
    expect(plane.provider.pushFailures()).toMatchObject([{ loginServer: REGISTRY, repository: "team/foreign", tag: "v1", code: "MANIFEST_BLOB_UNKNOWN" }]);
    expect(await plane.provider.resolveTag(REGISTRY, "team/foreign", "v1")).toBeUndefined();
  });

  it("seeds and resolves images through the /_sandbox control routes", async () => {
    const seeded = await rawRequest(plane, "POST", `${plane.origin}/_sandbox/registries/images`, { "content-type": "application/json" },
      JSON.stringify({ loginServer: "Demo.AzureCR.io", repository: "team/ctl", tag: "v2", layers: [{ path: "x.txt", content: "x" }] }));
    expect(seeded.status).toBe(201);
    const body = JSON.parse(seeded.body) as { digest: string; endpoint: string; imageReference: string };
    expect(body.endpoint).toBe(plane.endpoint(REGISTRY));
    expect(body.imageReference).toBe(`${REGISTRY}/team/ctl@${body.digest}`);
    const resolved = await rawRequest(plane, "GET", `${plane.origin}/_sandbox/registries/images?loginServer=${REGISTRY}&repository=team/ctl&tag=v2`);
    expect((JSON.parse(resolved.body) as { digest: string }).digest).toBe(body.digest);
    const invalid = await rawRequest(plane, "POST", `${plane.origin}/_sandbox/registries/images`, { "content-type": "application/json" },
      JSON.stringify({ loginServer: REGISTRY, repository: "Team/Upper", tag: "v1" }));
    expect(invalid.status).toBe(400);
    expect((JSON.parse(invalid.body) as { error: { code: string } }).error.code).toBe("NAME_INVALID");
  });

  it("lists repositories, tags and manifests through the /acr/v1 API", async () => {
    const seededAt = new Date(plane.clock.now()).toISOString();
    const first = await plane.provider.seedImage(REGISTRY, "team/listed", "v1", { nonce: "1" });
    const second = await plane.provider.seedImage(REGISTRY, "team/listed", "v2", { nonce: "2" });
    await plane.clock.advance(60_000);
    await plane.provider.seedImage(REGISTRY, "team/listed", "v2", { nonce: "2" }); // same image: tag unchanged
    const repository = registryClient().getRepository("team/listed");
    // SDK 1.1 lists every tag of the repository here (it sends no `digest` filter).
    const tags: { name: string; digest: string; lastUpdatedOn: Date }[] = [];
    for await (const tag of repository.getArtifact("v1").listTagProperties()) tags.push(tag);
    expect(tags.map((tag) => [tag.name, tag.digest])).toEqual([["v1", first], ["v2", second]]);
    expect(tags.map((tag) => tag.lastUpdatedOn.toISOString())).toEqual([seededAt, seededAt]);
    const manifests: { digest: string; tags: string[] }[] = [];
    for await (const manifest of repository.listManifestProperties()) manifests.push(manifest);
    expect(manifests.map((manifest) => [manifest.digest, manifest.tags]).sort()).toEqual([[first, ["v1"]], [second, ["v2"]]].sort());
    const properties = await repository.getProperties();
    expect(properties).toMatchObject({ name: "team/listed", registryLoginServer: REGISTRY, manifestCount: 2, tagCount: 2 });
    const names: string[] = [];
    for await (const name of registryClient().listRepositoryNames()) names.push(name);
    expect(names).toContain("team/listed");
    expect(names.every((name) => !name.includes(REGISTRY))).toBe(true);
  });

  it("stores the images the ACR Tasks provider builds, at the digests it announces", async () => {
    const built = buildImageManifest({
      loginServer: REGISTRY,
      repository: "team/tasks",
      tag: "ca7",
      nonce: "ca7@2026-01-01T00:00:00Z",
      inputFingerprint: "f00d",
      os: "Linux",
      architecture: "amd64",
    });
    const failuresBefore = plane.provider.pushFailures().length;
    await plane.provider.onImagePushed(REGISTRY, "team/tasks", "ca7", built.digest, built.manifest);
    const manifest = await contentClient("team/tasks").getManifest("ca7");
    expect(manifest.digest).toBe(built.digest);
    expect(plane.provider.pushFailures()).toHaveLength(failuresBefore);
  });

  it("forgets images on reset", async () => {
    await plane.provider.seedImage(REGISTRY, "team/gone", "v1");
    plane.provider.reset();
    expect(await plane.provider.resolveTag(REGISTRY, "team/gone", "v1")).toBeUndefined();
    const error = await caught(registryClient().getArtifact("team/gone", "v1").getManifestProperties());
    expect((error as RestError).statusCode).toBe(404);
  });
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTPS request trusting the sandbox CA. */
async function rawRequest(plane: DataPlaneHarness, method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: plane.caPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
        resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** An ACR access token through the token endpoints, as a docker client would get one. */
async function accessTokenFor(plane: DataPlaneHarness, loginServer: string, scope: string): Promise<string> {
  const form = { "content-type": "application/x-www-form-urlencoded" };
  const exchanged = await rawRequest(plane, "POST", `${plane.endpoint(loginServer)}/oauth2/exchange`, form,
    new URLSearchParams({ grant_type: "access_token", service: loginServer, access_token: "sandbox-token" }).toString());
  const refreshToken = (JSON.parse(exchanged.body) as { refresh_token: string }).refresh_token;
  const issued = await rawRequest(plane, "POST", `${plane.endpoint(loginServer)}/oauth2/token`, form,
    new URLSearchParams({ grant_type: "refresh_token", service: loginServer, scope, refresh_token: refreshToken }).toString());
  return (JSON.parse(issued.body) as { access_token: string }).access_token;
}
