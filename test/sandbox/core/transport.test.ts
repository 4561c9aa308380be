import { RestError } from "@azure/core-rest-pipeline";
import { X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "../acr/acrClient.js";
import { sandboxRequest } from "./sandboxHttp.js";

const REGISTRY_PATH = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("sandbox transport: TLS, ARM auth, api-version, ids, routing", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({
      clock: new VirtualClock(),
      registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY }],
    });
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  it("listens on https://127.0.0.1 with a certificate for 127.0.0.1 and localhost signed by the CA it exposes", async () => {
    expect(sandbox.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = new X509Certificate(sandbox.caPem);
    expect(ca.ca).toBe(true);
    const viaLocalhost = await sandboxRequest({ origin: sandbox.origin.replace("127.0.0.1", "localhost"), caPem: sandbox.caPem }, "GET", `${REGISTRY_PATH}?api-version=2025-11-01`);
    expect(viaLocalhost.status).toBe(200);
  });

  it("is trusted only through the CA: an SDK client without it fails with a TLS error", async () => {
    sandbox.callLog.clear();
    const error = await acrClient(sandbox, { maxRetries: 0 }, false)
      .registries.get(RESOURCE_GROUP, REGISTRY)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestError);
    expect((error as RestError).code).toMatch(/^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT)$/);
    expect(sandbox.callLog.calls()).toEqual([]);
  });

  it("answers 401 AuthenticationFailed with WWW-Authenticate when the bearer token is missing", async () => {
    const response = await sandboxRequest(sandbox, "GET", `${REGISTRY_PATH}?api-version=2025-11-01`, { bearer: false });
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: { code: "AuthenticationFailed" } });
    expect(response.headers["www-authenticate"]).toMatch(/^Bearer /);
    expect(response.headers["x-ms-correlation-request-id"]).toMatch(GUID);
    const empty = await sandboxRequest(sandbox, "GET", `${REGISTRY_PATH}?api-version=2025-11-01`, { bearer: false, headers: { authorization: "Bearer " } });
    expect(empty.status).toBe(401);
  });

  it("answers 400 MissingApiVersionParameter without api-version", async () => {
    const response = await sandboxRequest(sandbox, "GET", REGISTRY_PATH);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { code: "MissingApiVersionParameter" } });
  });

  it("echoes the caller's correlation id, or makes one, and always sends a request id", async () => {
    const echoed = await sandboxRequest(sandbox, "GET", `${REGISTRY_PATH}?api-version=2025-11-01`, { headers: { "x-ms-correlation-request-id": "corr-123" } });
    expect(echoed.headers["x-ms-correlation-request-id"]).toBe("corr-123");
    expect(echoed.headers["x-ms-request-id"]).toMatch(GUID);
    const fresh = await sandboxRequest(sandbox, "GET", `${REGISTRY_PATH}?api-version=2025-11-01`);
    expect(fresh.headers["x-ms-correlation-request-id"]).toMatch(GUID);
    const failed = await sandboxRequest(sandbox, "GET", `${REGISTRY_PATH}x?api-version=2025-11-01`);
    expect(failed.status).toBe(404);
    expect(failed.headers["x-ms-correlation-request-id"]).toMatch(GUID);
  });

  it("matches literal path segments case-insensitively, as ARM does", async () => {
    const response = await sandboxRequest(sandbox, "GET", `${REGISTRY_PATH.replace("resourceGroups", "RESOURCEGROUPS").replace("Microsoft.ContainerRegistry", "microsoft.containerregistry")}?api-version=2025-11-01`);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ properties: { loginServer: `${REGISTRY}.azurecr.io` } });
  });

  it("answers unknown routes with ARM 404s", async () => {
    const unknownType = await sandboxRequest(sandbox, "GET", `${REGISTRY_PATH}/widgets/w1?api-version=2025-11-01`);
    expect(unknownType.status).toBe(404);
    expect(unknownType.json).toMatchObject({ error: { code: "InvalidResourceType", message: expect.stringContaining("registries/widgets") } });
    const unknownPath = await sandboxRequest(sandbox, "GET", "/nothing/here", { bearer: false });
    expect(unknownPath.status).toBe(404);
    expect(unknownPath.json).toMatchObject({ error: { code: "ResourceNotFound" } });
    const wrongMethod = await sandboxRequest(sandbox, "DELETE", `${REGISTRY_PATH}/scheduleRun?api-version=2019-06-01-preview`);
    expect(wrongMethod.status).toBe(405);
  });

  it("rejects a malformed JSON body on ARM routes with 400 InvalidRequestContent", async () => {
    const response = await sandboxRequest(sandbox, "POST", `${REGISTRY_PATH}/scheduleRun?api-version=2019-06-01-preview`, { body: "{not json", headers: { "content-type": "application/json" } });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { code: "InvalidRequestContent" } });
  });
});

describe("certificate cache", () => {
  it("keeps the same CA across restarts when given a certDir", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sandbox-cert-"));
    try {
      const first = await startSandbox({ certDir: dir });
      await first.stop();
      const second = await startSandbox({ certDir: dir });
      await second.stop();
      expect(second.caPem).toBe(first.caPem);
      const inMemory = await startSandbox();
      await inMemory.stop();
      expect(inMemory.caPem).not.toBe(first.caPem);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
