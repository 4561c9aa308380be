import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import {
  DOCKER_REGISTRY_BINARY,
  DockerRegistryNotInstalledError,
  dockerRegistryBinary,
  isDockerRegistryInstalled,
  startDockerRegistry,
  type DockerRegistryService,
} from "../../../src/local/services/dockerRegistry.js";
import { needsDockerRegistry } from "../../support/dockerRegistryAvailability.js";

describe("finding docker-registry", () => {
  it("uses Debian's binary unless ACA_ROLLOUT_DOCKER_REGISTRY_BINARY names another", () => {
    expect(dockerRegistryBinary({})).toBe(DOCKER_REGISTRY_BINARY);
    expect(dockerRegistryBinary({ ACA_ROLLOUT_DOCKER_REGISTRY_BINARY: " " })).toBe(DOCKER_REGISTRY_BINARY);
    expect(dockerRegistryBinary({ ACA_ROLLOUT_DOCKER_REGISTRY_BINARY: "/opt/registry/bin/docker-registry" })).toBe("/opt/registry/bin/docker-registry");
  });

  it("looks at the file itself: a missing or non-executable path is not installed", async () => {
    expect(await isDockerRegistryInstalled("/nonexistent/docker-registry")).toBe(false);
    expect(await isDockerRegistryInstalled(import.meta.filename)).toBe(false);
    expect(await isDockerRegistryInstalled(process.execPath)).toBe(true);
  });

  it("reports a missing binary with the install command", async () => {
    await expect(startDockerRegistry({ binary: "/nonexistent/docker-registry" })).rejects.toThrow(DockerRegistryNotInstalledError);
    await expect(startDockerRegistry({ binary: "/nonexistent/docker-registry" })).rejects.toThrow(/apt-get install -y docker-registry/);
  });
});

// Needs Debian's registry (`apt-get install -y docker-registry`): skipped without it, unless the run requires it.
describe("docker-registry launcher", needsDockerRegistry(), () => {
  let registry: DockerRegistryService;

  beforeAll(async () => {
    registry = await startDockerRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it("serves the Distribution v2 API on loopback", async () => {
    expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${registry.url}/v2/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
  });

  it("stores blobs in the data directory it was given", async () => {
    const content = Buffer.from("hello registry");
    const digest = `sha256:${createHash("sha256").update(content).digest("hex")}`;
    const started = await fetch(`${registry.url}/v2/probe/app/blobs/uploads/`, { method: "POST" });
    expect(started.status).toBe(202);
    // Relative URLs are configured so the ACR front can re-home them.
    const location = started.headers.get("location")!;
    expect(location).toMatch(/^\/v2\/probe\/app\/blobs\/uploads\/[0-9a-f-]+\?_state=/);
    const upload = await fetch(`${registry.url}${location}&digest=${digest}`, {
      method: "PUT",
      body: content,
      headers: { "content-type": "application/octet-stream" },
    });
    expect(upload.status).toBe(201);
    expect(upload.headers.get("docker-content-digest")).toBe(digest);
    expect(upload.headers.get("location")).toBe(`/v2/probe/app/blobs/${digest}`);
    expect(await readdir(`${registry.dataDir}/docker/registry/v2/repositories/probe`)).toEqual(["app"]);
  });

  it("stops the process and removes its temporary storage", async () => {
    const second = await startDockerRegistry();
    expect((await fetch(`${second.url}/v2/`)).status).toBe(200);
    await second.stop();
    await expect(fetch(`${second.url}/v2/`)).rejects.toThrow();
    expect(existsSync(second.dataDir)).toBe(false);
    await second.stop(); // idempotent
  });
});
