/**
 * `POST /api/uploads` over real HTTP against the local runtime and the sandbox, every answer validated
 * against the served OpenAPI document; and a real upload of a packed context to Azurite through the
 * URL the endpoint hands out, read back by the sandbox (as ACR Tasks would fetch it) and unpacked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadArchive } from "../../../src/cli/api/uploadArchive.js";
import { packContext } from "../../../src/cli/context/packContext.js";
import { resetSettingsCache } from "../../../src/config/settings.js";
import { resetTargetsCache } from "../../../src/config/targets.js";
import type { UploadSlot } from "../../../src/functions/http/apiTypes.js";
import { PROBLEM_TYPES, type Problem } from "../../../src/functions/http/problem.js";
import { readArchive } from "../../support/archive.js";
import { FASTAPI_PROJECT, writeTree } from "../../cli/context/projectTree.js";
import { CONTRACT_TARGETS, productFunctionModules } from "../contract/contractWorld.js";
import { createApiClient, fetchOpenApiDocument, type ApiClient } from "../contract/validatingClient.js";
import { startDeployWorld, type DeployWorld } from "../../e2e/world.js";
import type { FunctionLogEntry } from "../../../src/local/http/invokeHttpFunction.js";

let world: DeployWorld;
let client: ApiClient;
const logLines: string[] = [];

beforeAll(async () => {
  process.env.ACA_ROLLOUT_TARGETS = JSON.stringify(CONTRACT_TARGETS);
  resetTargetsCache();
  resetSettingsCache();
  world = await startDeployWorld({ functionModules: productFunctionModules(), azurite: true, log: (entry: FunctionLogEntry) => logLines.push(JSON.stringify(entry)) });
  resetSettingsCache();
  client = createApiClient({ baseUrl: world.runtime.url, functionKey: world.runtime.functionKey, document: await fetchOpenApiDocument(world.runtime.url) });
});

afterAll(async () => {
  await world?.stop();
  delete process.env.ACA_ROLLOUT_TARGETS;
  resetTargetsCache();
  resetSettingsCache();
});

const post = <T>(json: unknown, headers: Record<string, string> = {}) => client.request<T>("POST", "/uploads", { body: json, headers });

describe("POST /api/uploads", () => {
  it("answers an upload slot on the target's build registry, and the URL is never logged", async () => {
    const { status, body, headers } = await post<UploadSlot>({ target: "builder" });
    expect(status).toBe(200);
    expect(headers.get("cache-control")).toBe("no-store");
    expect(body.relativePath).toMatch(/^source\/\d{12}\/[0-9a-f-]{36}\.tar\.gz$/);
    expect(body.uploadUrl).toContain("sig=");
    expect(body.expiresOn).toMatch(/^\d{4}-\d\d-\d\dT/);
    const calls = world.sandbox.callLog.calls({ operation: "Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action" });
    expect(calls.at(-1)).toMatchObject({ status: 200 });
    const sas = new URL(body.uploadUrl).searchParams.get("sig")!;
    expect(logLines.join("\n")).toContain(body.relativePath);
    expect(logLines.join("\n")).not.toContain(sas);
  });

  it("a packed context uploaded to Azurite through that URL is what the sandbox reads back", async () => {
    const { body: slot } = await post<UploadSlot>({ target: "builder" });
    expect(slot.uploadUrl.startsWith("http://127.0.0.1:")).toBe(true);
    const packed = await packContext({ context: await writeTree(FASTAPI_PROJECT) });
    const progress: number[] = [];
    await uploadArchive(slot.uploadUrl, packed.archive, { onProgress: (bytes) => progress.push(bytes) });
    expect(progress.at(-1)).toBe(packed.archive.length);
    const stored = await world.sandbox.acr.readSource(slot.relativePath);
    expect(stored?.equals(packed.archive)).toBe(true);
    const entries = await readArchive(stored!);
    expect(entries.filter((e) => e.type === "file").map((e) => e.name)).toEqual([".dockerignore", "Dockerfile", "api.py", "requirements.txt", "src/__init__.py", "src/app.py"]);
    expect(entries.find((e) => e.name === "src/app.py")?.content).toBe(FASTAPI_PROJECT["src/app.py"]);
  });

  it("a target without a build is a 409 problem", async () => {
    const { status, body } = await post<Problem>({ target: "web" });
    expect([status, body.type, body.errors?.[0]?.pointer]).toEqual([409, PROBLEM_TYPES.targetWithoutBuild, "/target"]);
  });

  it("an unknown target is a 404 problem", async () => {
    const { status, body } = await post<Problem>({ target: "nope" });
    expect([status, body.type, body.errors?.[0]?.pointer]).toEqual([404, PROBLEM_TYPES.notFound, "/target"]);
  });

  it("a body without a target, or with other fields, is a 400 problem", async () => {
    expect((await post<Problem>({})).body.errors).toEqual([{ pointer: "/target", detail: expect.stringContaining("is required") }]);
    expect((await post<Problem>({ target: "builder", folder: "x" })).body.errors).toEqual([{ pointer: "/folder", detail: expect.any(String) }]);
  });

  it("ACR refusing the call is a 502 problem with its ARM code and correlation id", async () => {
    world.sandbox.faults.inject({ operation: "Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action", status: 403, code: "AuthorizationFailed", times: 1 });
    const { status, body } = await post<Problem>({ target: "builder" });
    expect([status, body.type]).toEqual([502, PROBLEM_TYPES.azureCallFailed]);
    expect(body.detail).toMatch(/403 AuthorizationFailed \(correlation id [0-9a-f-]+\)/);
  });
});
