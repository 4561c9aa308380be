import type { RunRequestUnion } from "@azure/arm-containerregistry";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import type { PushedManifest } from "../../../src/sandbox/kernel/types.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { sandboxRequest } from "../core/sandboxHttp.js";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "./acrClient.js";

const TASK_YAML = `version: v1.1.0
steps:
  - build: -t $Registry/{{.Values.repo}}:{{.Values.tag}} -f Dockerfile .
  - push:
    - $Registry/{{.Values.repo}}:{{.Values.tag}}
`;

function encodedRun(values: Record<string, string>, extra: Partial<RunRequestUnion> = {}): RunRequestUnion {
  return {
    type: "EncodedTaskRunRequest",
    encodedTaskContent: Buffer.from(TASK_YAML).toString("base64"),
    encodedValuesContent: Buffer.from(Object.entries(values).map(([k, v]) => `${k}: ${v}`).join("\n")).toString("base64"),
    values: [{ name: "token", value: "s3cret", isSecret: true }],
    platform: { os: "Linux", architecture: "amd64" },
    ...extra,
  };
}

describe("ACR Tasks runs through @azure/arm-containerregistry 11", () => {
  const clock = new VirtualClock("2026-03-01T10:00:00.000Z");
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ clock, durations: { runQueued: 2_000, runRunning: 10_000 } });
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
  });

  it("serves the registry with its login server", async () => {
    const registry = await acrClient(sandbox).registries.get(RESOURCE_GROUP, REGISTRY);
    expect(registry.loginServer).toBe(`${REGISTRY}.azurecr.io`);
    expect(registry.id).toBe(`/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`);
    expect(registry.provisioningState).toBe("Succeeded");
  });

  it("moves an encoded-task run Queued -> Running -> Succeeded on the clock and reports a digest", async () => {
    const client = acrClient(sandbox);
    const scheduled = await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, encodedRun({ repo: "web", tag: "v42" }));
    expect(scheduled.runId).toBe("ca1");
    expect(scheduled.status).toBe("Queued");

    const view = sandbox.acr.scheduledRun("ca1");
    expect(view?.taskYaml).toBe(TASK_YAML);
    expect(view?.valuesYaml).toBe("repo: web\ntag: v42");
    expect(view?.values).toEqual({ repo: "web", tag: "v42", token: "s3cret" });
    expect(view?.secretValueNames).toEqual(["token"]);

    await clock.advance(1_999);
    expect((await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1")).status).toBe("Queued");
    await clock.advance(1);
    const running = await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1");
    expect(running.status).toBe("Running");
    expect(running.startTime?.toISOString()).toBe("2026-03-01T10:00:02.000Z");
    expect(running.outputImages).toBeUndefined();
    await sandbox.dataPlane.whenIdle();
    expect(await sandbox.dataPlane.resolveTag(`${REGISTRY}.azurecr.io`, "web", "v42")).toBeUndefined();

    await clock.advance(10_000);
    const done = await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1");
    expect(done.status).toBe("Succeeded");
    expect(done.runType).toBe("QuickRun");
    expect(done.finishTime?.toISOString()).toBe("2026-03-01T10:00:12.000Z");
    expect(done.outputImages).toHaveLength(1);
    const image = done.outputImages![0]!;
    expect(image).toMatchObject({ registry: `${REGISTRY}.azurecr.io`, repository: "web", tag: "v42" });
    expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    await sandbox.dataPlane.whenIdle();
    expect(await sandbox.dataPlane.resolveTag(`${REGISTRY}.azurecr.io`, "web", "v42")).toBe(image.digest);
    expect(sandbox.dataPlane.pushFailures()).toEqual([]);
  });

  it("announces pushed images when the run succeeds, with a manifest that hashes to the digest", async () => {
    const pushes: { loginServer: string; repository: string; tag: string; digest: string; manifest: PushedManifest; at: number }[] = [];
    const unsubscribe = sandbox.acr.addImagePushSink({
      onImagePushed: (loginServer, repository, tag, digest, manifest) => {
        pushes.push({ loginServer, repository, tag, digest, manifest, at: clock.now() });
      },
    });
    try {
      const client = acrClient(sandbox);
      await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, encodedRun({ repo: "api", tag: "1.0.0" }));
      const finishAt = clock.now() + 12_000;
      await clock.advance(11_999);
      expect(pushes).toHaveLength(0);
      await clock.advance(1);
      expect(pushes).toHaveLength(1);
      const push = pushes[0]!;
      expect(push).toMatchObject({ loginServer: `${REGISTRY}.azurecr.io`, repository: "api", tag: "1.0.0", at: finishAt });
      expect(`sha256:${createHash("sha256").update(push.manifest.content).digest("hex")}`).toBe(push.digest);
      const run = await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1");
      expect(run.outputImages?.[0]?.digest).toBe(push.digest);
    } finally {
      unsubscribe();
    }
  });

  it("ends a planned failure as Failed and serves its log through listLogSasUrl", async () => {
    sandbox.acr.failNextRun("Failed", "npm ERR! missing script: build");
    const client = acrClient(sandbox);
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, encodedRun({ repo: "web", tag: "bad" }));
    await clock.advance(12_000);
    const run = await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1");
    expect(run.status).toBe("Failed");
    expect(run.outputImages).toBeUndefined();
    expect(run.runErrorMessage).toBe("failed during run, err: exit status 1");

    const { logLink } = await client.runs.getLogSasUrl(RESOURCE_GROUP, REGISTRY, "ca1");
    expect(logLink).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/sandboxblobs\/acr-logs\/logs\/ca1\/rawtext\.log\?.*sig=/);
    const log = await sandboxRequest(sandbox, "GET", logLink!, { bearer: false });
    expect(log.status).toBe(200);
    expect(log.text).toContain("npm ERR! missing script: build");
    expect(log.text).toContain("Run ID: ca1 failed after 10s");

    const tampered = await sandboxRequest(sandbox, "GET", logLink!.replace(/sig=[^&]+/, "sig=AAAA"), { bearer: false });
    expect(tampered.status).toBe(403);
  });

  it.each(["Error", "Timeout"] as const)("ends a planned %s run with that status", async (status) => {
    sandbox.acr.failNextRun(status);
    const client = acrClient(sandbox);
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, encodedRun({ repo: "web", tag: "x" }));
    await clock.advance(12_000);
    expect((await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1")).status).toBe(status);
  });

  it("cancels a running run", async () => {
    const client = acrClient(sandbox);
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, encodedRun({ repo: "web", tag: "c" }));
    await clock.advance(3_000);
    await client.runs.beginCancelAndWait(RESOURCE_GROUP, REGISTRY, "ca1");
    const canceledAt = new Date(clock.now()).toISOString();
    await clock.advance(20_000);
    const run = await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1");
    expect(run.status).toBe("Canceled");
    expect(run.finishTime?.toISOString()).toBe(canceledAt);
    expect(run.outputImages).toBeUndefined();
  });

  it("lists runs newest first and honours $top", async () => {
    const client = acrClient(sandbox);
    for (const tag of ["a", "b", "c"]) {
      await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, encodedRun({ repo: "web", tag }));
      await clock.advance(1);
    }
    const ids: string[] = [];
    for await (const run of client.runs.list(RESOURCE_GROUP, REGISTRY, { top: 2 })) ids.push(run.runId!);
    expect(ids).toEqual(["ca3", "ca2"]);
  });

  it("runs a DockerBuildRequest and reports its imageNames", async () => {
    const client = acrClient(sandbox);
    const request: RunRequestUnion = {
      type: "DockerBuildRequest",
      imageNames: ["shop/cart:{{.Run.ID}}", `${REGISTRY}.azurecr.io/shop/cart:latest`],
      dockerFilePath: "Dockerfile",
      platform: { os: "Linux" },
      sourceLocation: "https://github.com/example/shop.git",
    };
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, request);
    await clock.advance(12_000);
    const run = await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1");
    expect(run.runType).toBe("QuickBuild");
    expect(run.outputImages?.map((image) => `${image.repository}:${image.tag}`)).toEqual(["shop/cart:ca1", "shop/cart:latest"]);
  });

  it("takes the image of a FileTaskRunRequest from its `image` value", async () => {
    const client = acrClient(sandbox);
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, {
      type: "FileTaskRunRequest",
      taskFilePath: "acb.yaml",
      values: [{ name: "image", value: "$Registry/jobs/report:7" }],
      platform: { os: "Linux" },
    });
    await clock.advance(12_000);
    const run = await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca1");
    expect(run.outputImages?.map((image) => `${image.registry}/${image.repository}:${image.tag}`)).toEqual([`${REGISTRY}.azurecr.io/jobs/report:7`]);
  });

  it("rejects an invalid run request with a RestError carrying the ARM code", async () => {
    const client = acrClient(sandbox);
    const error = await client.registries
      .beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, { type: "EncodedTaskRunRequest", encodedTaskContent: "not base64!", platform: { os: "Linux" } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400, code: "BadRequest" });
  });

  it("answers 404 ResourceNotFound for an unknown registry and an unknown run", async () => {
    const client = acrClient(sandbox);
    await expect(client.registries.get(RESOURCE_GROUP, "nosuchregistry")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    await expect(client.runs.get(RESOURCE_GROUP, REGISTRY, "ca99")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });
});
