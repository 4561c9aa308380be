import { beforeEach, describe, expect, it } from "vitest";
import { CACHED_BUILD_TASK_YAML } from "../../src/activities/build/encodedTask.js";
import { cancelBuildRun } from "../../src/activities/cancelBuildRun.js";
import { checkBuildLog, completeMark } from "../../src/activities/checkBuildLog.js";
import { forgetAllRunLogUrls } from "../../src/azure/runLogUrls.js";
import type { BuildRunRef, RegistryRef, ScheduleBuildInput } from "../../src/activities/contracts.js";
import { getBuildRun } from "../../src/activities/getBuildRun.js";
import { readBuildLogTail } from "../../src/activities/readBuildLogTail.js";
import { resolveDigest } from "../../src/activities/resolveDigest.js";
import { scheduleBuild } from "../../src/activities/scheduleBuild.js";
import type { BuildSpec } from "../../src/domain/deployment.js";
import { AzureCallError } from "../../src/domain/errors.js";
import { sandboxRequest } from "../sandbox/core/sandboxHttp.js";
import { LOGIN_SERVER, REGISTRY_NAME, RESOURCE_GROUP, useActivityHarness, SUBSCRIPTION } from "./harness.js";

const SCHEDULE = "Microsoft.ContainerRegistry/registries/scheduleRun/action";
const BLOB_READ = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
const REGISTRY: RegistryRef = { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY_NAME };
const SECRET = "npm-token-s3cr3t";
// The activity reads secret build args from app settings (the environment) at run time.
const SECRET_SETTING = "BUILD_TEST_NPM_TOKEN";
process.env[SECRET_SETTING] = SECRET;

const build: BuildSpec = {
  registry: { resourceGroup: RESOURCE_GROUP },
  source: { kind: "git", url: "https://github.com/contoso/web.git", ref: "main" },
  dockerfile: "Dockerfile",
  buildArgs: [
    { name: "NODE_ENV", value: "production" },
    { name: "NPM_TOKEN", fromSetting: SECRET_SETTING },
  ],
  platform: "linux/arm64",
  timeoutSeconds: 600,
  cache: true,
};
const input: ScheduleBuildInput = { deploymentId: "dep-42", registry: REGISTRY, repository: "team/web", tag: "v42", build };

const h = useActivityHarness();

async function scheduled(): Promise<BuildRunRef> {
  const out = await scheduleBuild(input, h.services);
  if (!out.ok) throw new Error(out.failure.message);
  return { registry: REGISTRY, runId: out.runId };
}

describe("scheduleBuild", () => {
  it("schedules one encoded-task run and returns its id while the run is still queued", async () => {
    const out = await scheduleBuild(input, h.services);
    expect(out).toEqual({ ok: true, runId: "ca1", resultTag: "deploy-dep-42" });
    expect(h.sandbox.callLog.calls({ operation: SCHEDULE })).toHaveLength(1);
    const run = h.sandbox.acr.scheduledRun("ca1");
    expect(run).toMatchObject({
      type: "EncodedTaskRunRequest",
      status: "Queued",
      taskYaml: CACHED_BUILD_TASK_YAML,
      sourceLocation: "https://github.com/contoso/web.git#main",
      secretValueNames: ["buildArg1"],
      values: expect.objectContaining({ repository: "team/web", tag: "v42", resultTag: "deploy-dep-42", buildArg0: "NODE_ENV=production", buildArg1: `NPM_TOKEN=${SECRET}` }),
      request: expect.objectContaining({ timeout: 600, platform: { os: "Linux", architecture: "arm64", variant: "v8" }, isArchiveEnabled: false }),
    });
  });

  it("reports a registry ARM does not know, and refuses an invalid build without calling ACR", async () => {
    const missing = await scheduleBuild({ ...input, registry: { ...REGISTRY, name: "nosuchreg" } }, h.services);
    expect(missing).toMatchObject({ ok: false, failure: { statusCode: 404, code: "ResourceNotFound", correlationId: expect.any(String) } });

    const invalid = await scheduleBuild({ ...input, tag: "-bad tag" }, h.services);
    expect(invalid).toMatchObject({ ok: false, failure: { code: "InvalidBuildInput", message: expect.stringContaining("image.tag") } });
    expect(h.sandbox.callLog.calls({ operation: SCHEDULE }).map((c) => c.status)).toEqual([404]);
  });

  it("fails with BuildSecretMissing naming the setting, never a value, and does not call ACR when a secret setting is unset", async () => {
    const withMissing: ScheduleBuildInput = { ...input, build: { ...build, buildArgs: [...build.buildArgs, { name: "OTHER_TOKEN", fromSetting: "BUILD_TEST_UNSET" }] } };
    const out = await scheduleBuild(withMissing, h.services, { [SECRET_SETTING]: SECRET });
    expect(out).toEqual({ ok: false, failure: { code: "BuildSecretMissing", message: expect.stringContaining("BUILD_TEST_UNSET (build arg OTHER_TOKEN)") } });
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(await scheduleBuild(input, h.services, { [SECRET_SETTING]: "" })).toMatchObject({ ok: false, failure: { code: "BuildSecretMissing" } });
    expect(await scheduleBuild(input, h.services, { [SECRET_SETTING]: "line\nbreak" })).toMatchObject({ ok: false, failure: { code: "BuildSecretInvalid" } });
    expect(h.sandbox.callLog.calls({ operation: SCHEDULE })).toHaveLength(0);
  });

  it("a 503 burst is retried by the SDK and still creates exactly one run; a lasting one throws", async () => {
    h.sandbox.faults.inject({ operation: SCHEDULE, status: 503, times: 2 });
    expect(await scheduleBuild(input, h.services)).toMatchObject({ ok: true, runId: "ca1" });
    expect(h.sandbox.acr.scheduledRuns()).toHaveLength(1);

    h.sandbox.faults.inject({ operation: SCHEDULE, status: 503, times: "always" });
    await expect(scheduleBuild(input, h.services)).rejects.toBeInstanceOf(AzureCallError);
    expect(h.sandbox.acr.scheduledRuns()).toHaveLength(1);
  });
});

describe("getBuildRun and resolveDigest", () => {
  it("follows the run to Succeeded on the clock, then resolves the result tag's digest from the data plane", async () => {
    const ref = await scheduled();
    expect(await getBuildRun(ref, h.services)).toEqual({ ok: true, run: { runId: "ca1", status: "Queued", outputImages: [] } });
    await h.clock.advance(1_000);
    expect(await getBuildRun(ref, h.services)).toEqual({ ok: true, run: { runId: "ca1", status: "Running", outputImages: [], startTime: "2026-03-01T00:00:01.000Z" } });
    await h.clock.advance(10_000);
    const done = await getBuildRun(ref, h.services);
    expect(done).toMatchObject({ ok: true, run: { status: "Succeeded", startTime: "2026-03-01T00:00:01.000Z", finishTime: "2026-03-01T00:00:11.000Z" } });

    const resolved = await resolveDigest({ loginServer: LOGIN_SERVER, repository: "team/web", tag: "deploy-dep-42" }, h.services);
    const expected = await h.sandbox.dataPlane.resolveTag(LOGIN_SERVER, "team/web", "deploy-dep-42");
    expect(expected).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(resolved).toEqual({ ok: true, digest: expected });
  });

  it("reports an unknown run with ARM's 404", async () => {
    expect(await getBuildRun({ registry: REGISTRY, runId: "zz9" }, h.services)).toMatchObject({ ok: false, failure: { statusCode: 404, code: "ResourceNotFound" } });
  });

  it("reports a tag that does not exist as TagNotFound, keeping ACR's code", async () => {
    await h.sandbox.dataPlane.seedImage(LOGIN_SERVER, "team/web", "v1");
    const out = await resolveDigest({ loginServer: LOGIN_SERVER.toUpperCase(), repository: "team/web", tag: "nope" }, h.services);
    expect(out).toMatchObject({ ok: false, failure: { code: "TagNotFound", statusCode: 404, message: expect.stringMatching(/^Tag 'nope' of repository 'team\/web' was not found in registry rolloutreg\.azurecr\.io \([A-Z_]+\)\.$/) } });
    const unknownRepository = await resolveDigest({ loginServer: LOGIN_SERVER, repository: "team/ghost", tag: "v1" }, h.services);
    expect(unknownRepository).toMatchObject({ ok: false, failure: { code: "TagNotFound" } });
  });
});

describe("readBuildLogTail", () => {
  const compilerErrors = Array.from({ length: 200 }, (_, i) => `src/file${i}.ts(1,1): error TS2304: Cannot find name 'x${i}'.`).join("\n");

  it("returns the end of a failed run's log, never the SAS link", async () => {
    h.sandbox.acr.failNextRun("Failed", `${compilerErrors}\nnpm ERR! missing script: build`);
    const ref = await scheduled();
    await h.clock.advance(11_000);
    const out = await readBuildLogTail({ ...ref, maxBytes: 300 }, h.services);
    if (!out.ok) throw new Error(out.failure.message);
    expect(out.truncated).toBe(true);
    expect(Buffer.byteLength(out.tail)).toBeLessThanOrEqual(300);
    expect(out.tail).toContain("npm ERR! missing script: build");
    expect(out.tail.endsWith("Run ID: ca1 failed after 10s. Error: failed during run, err: exit status 1\n")).toBe(true);
    expect(out.tail).not.toContain("file0.ts");

    const { logLink } = await h.services.azure.containerRegistry(SUBSCRIPTION).runs.getLogSasUrl(RESOURCE_GROUP, REGISTRY_NAME, ref.runId);
    const whole = (await sandboxRequest(h.sandbox, "GET", logLink!, { bearer: false })).text;
    expect(whole.endsWith(out.tail)).toBe(true);
    const serialized = JSON.stringify(out);
    expect(serialized).not.toContain("sig=");
    expect(serialized).not.toContain("sandboxblobs");

    const all = await readBuildLogTail({ ...ref, maxBytes: 1_000_000 }, h.services);
    expect(all).toEqual({ ok: true, tail: whole, truncated: false });
  });

  it("reads a log that does not exist yet as empty", async () => {
    const ref = await scheduled();
    h.sandbox.faults.inject({ operation: BLOB_READ, status: 404, code: "BlobNotFound" });
    expect(await readBuildLogTail({ ...ref, maxBytes: 1_000 }, h.services)).toEqual({ ok: true, tail: "", truncated: false });
  });

  it("keeps the SAS link out of failures and thrown errors", async () => {
    const ref = await scheduled();
    h.sandbox.faults.inject({ operation: BLOB_READ, status: 403, code: "AuthenticationFailed" });
    const denied = await readBuildLogTail({ ...ref, maxBytes: 1_000 }, h.services);
    expect(denied).toMatchObject({ ok: false, failure: { statusCode: 403 } });
    expect(JSON.stringify(denied)).not.toMatch(/sig=|sandboxblobs/);

    h.sandbox.faults.inject({ operation: BLOB_READ, status: 500, times: "always" });
    const thrown = await readBuildLogTail({ ...ref, maxBytes: 1_000 }, h.services).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(AzureCallError);
    expect(`${(thrown as Error).message}\n${(thrown as Error).stack ?? ""}`).not.toMatch(/sig=|sandboxblobs/);
  });
});

describe("checkBuildLog", () => {
  const LOG_LINK = "Microsoft.ContainerRegistry/registries/runs/listLogSasUrl/action";
  const logLinks = (): number => h.sandbox.callLog.calls({ operation: LOG_LINK }).length;
  beforeEach(() => forgetAllRunLogUrls());

  it("reads the Complete mark in any case, as azure-cli does", () => {
    expect(completeMark(undefined)).toBeUndefined();
    expect(completeMark({ other: "x" })).toBeUndefined();
    expect(completeMark({ complete: "Succeeded" })).toBe("Succeeded");
    expect(completeMark({ COMPLETE: " TimedOut " })).toBe("TimedOut");
  });

  it("says running while the run runs, then complete with the log's status; one log link for every check", async () => {
    h.sandbox.acr.failNextRun("Timeout");
    const ref = await scheduled();
    const before = logLinks();
    await h.clock.advance(3_000);
    expect(await checkBuildLog(ref, h.services)).toEqual({ state: "running" });
    expect(await checkBuildLog(ref, h.services)).toEqual({ state: "running" });
    await h.clock.advance(8_000);
    // ARM says Timeout; the log's mark says it as az acr knows it.
    expect(await getBuildRun(ref, h.services)).toMatchObject({ ok: true, run: { status: "Timeout" } });
    expect(await checkBuildLog(ref, h.services)).toEqual({ state: "complete", status: "TimedOut" });
    expect(logLinks() - before).toBe(1);
  });

  it("reads a log not written yet as notStarted, and an unknown run as unavailable", async () => {
    const ref = await scheduled();
    h.sandbox.faults.inject({ operation: BLOB_READ, status: 404, code: "BlobNotFound" });
    expect(await checkBuildLog(ref, h.services)).toEqual({ state: "notStarted" });
    expect(await checkBuildLog({ registry: REGISTRY, runId: "cazz" }, h.services)).toMatchObject({ state: "unavailable", statusCode: 404 });
  });

  it("fetches a kept link again once when storage refuses it; a fresh link refused is unavailable, the link in no answer or error", async () => {
    const ref = await scheduled();
    expect(await checkBuildLog(ref, h.services)).toEqual({ state: "running" });
    const before = logLinks();
    h.sandbox.faults.inject({ operation: BLOB_READ, status: 403, code: "AuthenticationFailed" });
    expect(await checkBuildLog(ref, h.services)).toEqual({ state: "running" });
    expect(logLinks() - before).toBe(1);

    h.sandbox.faults.inject({ operation: BLOB_READ, status: 403, code: "AuthenticationFailed", times: 2 });
    const refused = await checkBuildLog(ref, h.services);
    expect(refused).toMatchObject({ state: "unavailable", statusCode: 403 });
    expect(logLinks() - before).toBe(2);
    expect(JSON.stringify(refused)).not.toMatch(/sig=|sandboxblobs/);

    h.sandbox.faults.inject({ operation: BLOB_READ, status: 500, times: "always" });
    const thrown = await checkBuildLog(ref, h.services).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(AzureCallError);
    expect(`${(thrown as Error).message}\n${(thrown as Error).stack ?? ""}`).not.toMatch(/sig=|sandboxblobs/);
  });
});

describe("cancelBuildRun", () => {
  it("cancels a running run and reports Canceled; a finished run keeps its status", async () => {
    const ref = await scheduled();
    await h.clock.advance(2_000);
    expect(await cancelBuildRun(ref, h.services)).toEqual({ ok: true, status: "Canceled" });
    expect(h.sandbox.callLog.calls({ operation: "Microsoft.ContainerRegistry/registries/runs/cancel/action" }).map((c) => c.status)).toEqual([202]);

    const second = await scheduled();
    await h.clock.advance(11_000);
    expect(await cancelBuildRun(second, h.services)).toEqual({ ok: true, status: "Succeeded" });
  });
});
