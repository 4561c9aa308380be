import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { startDockerRegistry, type DockerRegistryService } from "../../../src/local/services/dockerRegistry.js";
import { MemoryRegistry } from "../../../src/sandbox/providers/acrDataPlane/memoryRegistry.js";
import { pushBlob, pushManifest, RegistryPushError } from "../../../src/sandbox/providers/acrDataPlane/manifestPusher.js";
import { registryErrorCode, type RegistryBackend } from "../../../src/sandbox/providers/acrDataPlane/registryBackend.js";
import { buildSandboxImage } from "../../../src/sandbox/providers/acrDataPlane/sandboxImage.js";
import { UpstreamRegistry } from "../../../src/sandbox/providers/acrDataPlane/upstreamRegistry.js";
import { BACKENDS } from "./harness.js";
import { needsDockerRegistry } from "../../support/dockerRegistryAvailability.js";

const OCI = "application/vnd.oci.image.manifest.v1+json";
const sha256 = (content: Buffer): string => `sha256:${createHash("sha256").update(content).digest("hex")}`;

// The in-memory registry stands in for docker-registry on machines without it, so it must answer the
// Distribution calls the sandbox makes exactly as Distribution 2.8 does. Each case runs against both.
for (const kind of BACKENDS) describe(`Distribution API subset (${kind})`, needsDockerRegistry(kind === "docker-registry"), () => {
  let registry: DockerRegistryService | undefined;
  let backend: RegistryBackend;
  let counter = 0;
  const repo = (): string => `conformance/r${++counter}`;

  beforeAll(async () => {
    if (kind === "docker-registry") {
      registry = await startDockerRegistry();
      backend = new UpstreamRegistry(registry.url);
    } else {
      backend = new MemoryRegistry();
    }
  });
  afterAll(async () => {
    backend?.close?.();
    await registry?.stop();
  });

  it("answers the API version check", async () => {
    const response = await backend.send({ method: "GET", path: "/v2/" });
    expect(response.status).toBe(200);
    expect(response.headers["docker-distribution-api-version"]).toBe("registry/2.0");
  });

  it("pushes an image and serves it by tag and digest with Docker-Content-Digest", async () => {
    const name = repo();
    const image = buildSandboxImage({ loginServer: "demo.azurecr.io", repository: name, tag: "v1", nonce: "n" });
    const digest = await pushManifest(backend, name, "v1", image.manifest);
    expect(digest).toBe(image.digest);
    for (const reference of ["v1", digest]) {
      const got = await backend.send({ method: "GET", path: `/v2/${name}/manifests/${reference}`, headers: { accept: OCI } });
      expect(got.status).toBe(200);
      expect(got.headers["docker-content-digest"]).toBe(digest);
      expect(got.headers["content-type"]).toBe(OCI);
      expect(got.body).toEqual(image.manifest.content);
      const head = await backend.send({ method: "HEAD", path: `/v2/${name}/manifests/${reference}`, headers: { accept: OCI } });
      expect(head.status).toBe(200);
      expect(head.headers["content-length"]).toBe(String(image.manifest.content.length));
      expect(head.body.length).toBe(0);
    }
    const layer = image.layers[0]!;
    const blob = await backend.send({ method: "GET", path: `/v2/${name}/blobs/${layer.digest}` });
    expect(blob.status).toBe(200);
    expect(blob.body).toEqual(layer.content);
    expect(blob.headers["docker-content-digest"]).toBe(layer.digest);
  });

  it("does not serve an OCI manifest to a client that doesn't accept OCI", async () => {
    const name = repo();
    const image = buildSandboxImage({ loginServer: "demo.azurecr.io", repository: name, tag: "v1", nonce: "n" });
    await pushManifest(backend, name, "v1", image.manifest);
    const response = await backend.send({ method: "GET", path: `/v2/${name}/manifests/v1`, headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" } });
    expect(response.status).toBe(404);
    expect(registryErrorCode(response.body)).toBe("MANIFEST_UNKNOWN");
  });

  it("reports unknown tags, repositories and blobs with Distribution's codes", async () => {
    const name = repo();
    await pushManifest(backend, name, "v1", buildSandboxImage({ loginServer: "d.io", repository: name, tag: "v1", nonce: "n" }).manifest);
    const missingTag = await backend.send({ method: "GET", path: `/v2/${name}/manifests/nope`, headers: { accept: OCI } });
    expect(missingTag.status).toBe(404);
    expect(registryErrorCode(missingTag.body)).toBe("MANIFEST_UNKNOWN");
    const missingHead = await backend.send({ method: "HEAD", path: `/v2/${name}/manifests/nope`, headers: { accept: OCI } });
    expect(missingHead.status).toBe(404);
    const unknownRepoTags = await backend.send({ method: "GET", path: "/v2/conformance/never/tags/list" });
    expect(unknownRepoTags.status).toBe(404);
    expect(registryErrorCode(unknownRepoTags.body)).toBe("NAME_UNKNOWN");
    const unknownBlob = await backend.send({ method: "GET", path: `/v2/${name}/blobs/sha256:${"0".repeat(64)}` });
    expect(unknownBlob.status).toBe(404);
    expect(registryErrorCode(unknownBlob.body)).toBe("BLOB_UNKNOWN");
  });

  it("refuses a manifest whose blobs are missing, and a blob whose digest is wrong", async () => {
    const name = repo();
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${"2".repeat(64)}`, size: 2 },
      layers: [],
    }));
    const put = await backend.send({ method: "PUT", path: `/v2/${name}/manifests/v1`, headers: { "content-type": OCI }, body: manifest });
    expect(put.status).toBe(400);
    expect(registryErrorCode(put.body)).toBe("MANIFEST_BLOB_UNKNOWN");
    await expect(pushManifest(backend, name, "v1", { mediaType: OCI, content: manifest })).rejects.toBeInstanceOf(RegistryPushError);

    const started = await backend.send({ method: "POST", path: `/v2/${name}/blobs/uploads/` });
    const target = new URL(started.headers.location!, "http://x");
    target.searchParams.set("digest", sha256(Buffer.from("other")));
    const wrong = await backend.send({ method: "PUT", path: target.pathname, query: target.searchParams, body: Buffer.from("content") });
    expect(wrong.status).toBe(400);
    expect(registryErrorCode(wrong.body)).toBe("DIGEST_INVALID");
  });

  it("starts an empty session for POST with a digest (no monolithic upload), then completes chunked uploads", async () => {
    const name = repo();
    const content = Buffer.from("chunk-one|chunk-two");
    const started = await backend.send({ method: "POST", path: `/v2/${name}/blobs/uploads/`, query: new URLSearchParams({ digest: sha256(content) }), body: content });
    expect(started.status).toBe(202);
    expect(started.headers.location).toMatch(new RegExp(`^/v2/${name}/blobs/uploads/`));
    let location = started.headers.location!;
    for (const part of ["chunk-one|", "chunk-two"]) {
      const url = new URL(location, "http://x");
      const patched = await backend.send({ method: "PATCH", path: url.pathname, query: url.searchParams, headers: { "content-type": "application/octet-stream" }, body: Buffer.from(part) });
      expect(patched.status).toBe(202);
      location = patched.headers.location!;
    }
    const url = new URL(location, "http://x");
    url.searchParams.set("digest", sha256(content));
    const done = await backend.send({ method: "PUT", path: url.pathname, query: url.searchParams });
    expect(done.status).toBe(201);
    expect(done.headers["docker-content-digest"]).toBe(sha256(content));
    expect((await backend.send({ method: "GET", path: `/v2/${name}/blobs/${sha256(content)}` })).body).toEqual(content);
  });

  it("lists tags, deletes manifests by digest only, and pages the catalog", async () => {
    const name = repo();
    const image = buildSandboxImage({ loginServer: "d.io", repository: name, tag: "a", nonce: "n" });
    for (const tag of ["c", "a", "b"]) await pushManifest(backend, name, tag, image.manifest);
    const all = JSON.parse((await backend.send({ method: "GET", path: `/v2/${name}/tags/list` })).body.toString()) as { name: string; tags: string[] };
    expect(all.name).toBe(name);
    expect([...all.tags].sort()).toEqual(["a", "b", "c"]);

    const byTag = await backend.send({ method: "DELETE", path: `/v2/${name}/manifests/a` });
    expect(byTag.status).toBe(400);
    expect(registryErrorCode(byTag.body)).toBe("DIGEST_INVALID");
    const byDigest = await backend.send({ method: "DELETE", path: `/v2/${name}/manifests/${image.digest}` });
    expect(byDigest.status).toBe(202);
    expect((await backend.send({ method: "HEAD", path: `/v2/${name}/manifests/a`, headers: { accept: OCI } })).status).toBe(404);
    const emptied = await backend.send({ method: "GET", path: `/v2/${name}/tags/list` });
    expect(emptied.status).toBe(200);
    expect(JSON.parse(emptied.body.toString())).toEqual({ name, tags: null });

    const catalog = JSON.parse((await backend.send({ method: "GET", path: "/v2/_catalog" })).body.toString()) as { repositories: string[] };
    expect(catalog.repositories).toContain(name);
    const firstPage = await backend.send({ method: "GET", path: "/v2/_catalog", query: new URLSearchParams({ n: "1" }) });
    const first = (JSON.parse(firstPage.body.toString()) as { repositories: string[] }).repositories;
    expect(first).toEqual([catalog.repositories.sort()[0]]);
    expect(firstPage.headers.link).toBe(`</v2/_catalog?last=${encodeURIComponent(first[0]!)}&n=1>; rel="next"`);
  });

  it("knows a repository with only blobs in the catalog, but not in the tag API", async () => {
    const name = repo();
    const content = Buffer.from(name);
    await pushBlob(backend, name, sha256(content), content);
    const catalog = JSON.parse((await backend.send({ method: "GET", path: "/v2/_catalog" })).body.toString()) as { repositories: string[] };
    expect(catalog.repositories).toContain(name);
    const tags = await backend.send({ method: "GET", path: `/v2/${name}/tags/list` });
    expect(tags.status).toBe(404);
    expect(registryErrorCode(tags.body)).toBe("NAME_UNKNOWN");
  });

  it("mounts a blob from another repository", async () => {
    const from = repo();
    const to = repo();
    const content = Buffer.from("shared layer");
    await pushBlob(backend, from, sha256(content), content);
    const mounted = await backend.send({ method: "POST", path: `/v2/${to}/blobs/uploads/`, query: new URLSearchParams({ mount: sha256(content), from }) });
    expect(mounted.status).toBe(201);
    expect(mounted.headers.location).toBe(`/v2/${to}/blobs/${sha256(content)}`);
    expect((await backend.send({ method: "HEAD", path: `/v2/${to}/blobs/${sha256(content)}` })).status).toBe(200);
  });
});
