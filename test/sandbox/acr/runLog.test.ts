/**
 * The run log names the task the run executed: the product's build task (the request the product's own
 * `scheduleRunRequest` sends) logs its `setup-builder` and `build-app` steps with their real timeouts, as
 * the README's build section describes; a quick build logs one `build` step bounded by the run's timeout.
 */
import type { RunRequestUnion } from "@azure/arm-containerregistry";
import { BlobClient, type StoragePipelineOptions } from "@azure/storage-blob";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BUILD_STEP_ID, BUILDER_STEP_ID } from "../../../src/activities/build/encodedTask.js";
import type { ScheduleBuildInput } from "../../../src/activities/contracts.js";
import { scheduleRunRequest } from "../../../src/activities/scheduleBuild.js";
import { VirtualClock } from "../../../src/common/clock.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { sandboxRequest } from "../core/sandboxHttp.js";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "./acrClient.js";

/** The run request the product sends for a build with this timeout (built by `scheduleRunRequest` itself). */
function productBuildRequest(timeoutSeconds: number): RunRequestUnion {
  const input: ScheduleBuildInput = {
    deploymentId: "dep-log-1",
    registry: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY },
    repository: "web",
    tag: "v7",
    build: {
      registry: { resourceGroup: RESOURCE_GROUP },
      source: { kind: "git", url: "https://github.com/contoso/web.git" },
      dockerfile: "Dockerfile",
      buildArgs: [],
      platform: "linux/amd64",
      timeoutSeconds,
      cache: true,
    },
  };
  return scheduleRunRequest(input, []).request;
}

describe("the run log of a simulated ACR run", () => {
  const clock = new VirtualClock("2026-03-02T10:00:00.000Z");
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ clock, durations: { runQueued: 1_000, runRunning: 10_000 } });
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.acr.seedRegistry({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY });
  });

  async function logOf(runId: string): Promise<string> {
    const { logLink } = await acrClient(sandbox).runs.getLogSasUrl(RESOURCE_GROUP, REGISTRY, runId);
    const response = await sandboxRequest(sandbox, "GET", logLink!, { bearer: false });
    expect(response.status).toBe(200);
    return response.text;
  }

  it("names the product task's steps with their timeouts, and a failure in its build step", async () => {
    const client = acrClient(sandbox);
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, productBuildRequest(1800));
    sandbox.acr.failNextRun("Failed", "ERROR: failed to solve: process \"/bin/sh -c npm ci\" did not complete successfully");
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, productBuildRequest(2400));
    await clock.advance(12_000);

    const succeeded = await logOf("ca1");
    expect(succeeded).toContain(`Executing step ID: ${BUILDER_STEP_ID}. Timeout(sec): 600,`);
    expect(succeeded).toContain(`Step ID: ${BUILDER_STEP_ID} marked as successful`);
    expect(succeeded).toContain(`Executing step ID: ${BUILD_STEP_ID}. Timeout(sec): 1800,`);
    expect(succeeded).toContain(`Successfully executed container: ${BUILD_STEP_ID}`);
    expect(succeeded).toMatch(new RegExp(`Step ID: ${BUILD_STEP_ID} marked as successful \\(elapsed time in seconds: 10\\)`));
    expect(succeeded).not.toMatch(/step ID: build\.|28800/);
    expect(succeeded.indexOf(BUILDER_STEP_ID)).toBeLessThan(succeeded.indexOf(BUILD_STEP_ID));

    const failed = await logOf("ca2");
    expect(failed).toContain(`Executing step ID: ${BUILD_STEP_ID}. Timeout(sec): 2400,`);
    expect(failed).toContain("did not complete successfully");
    expect(failed).toContain(`Container failed during run: ${BUILD_STEP_ID}. No retries remaining.`);
  });

  it("logs a quick build as one `build` step bounded by the run's timeout (ACR's 3600 s by default)", async () => {
    const client = acrClient(sandbox);
    const quick = (timeout?: number): RunRequestUnion => ({
      type: "DockerBuildRequest",
      imageNames: ["web:quick"],
      dockerFilePath: "Dockerfile",
      platform: { os: "Linux" },
      sourceLocation: "https://github.com/contoso/web.git",
      ...(timeout === undefined ? {} : { timeout }),
    });
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, quick(900));
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, quick());
    await clock.advance(12_000);
    expect(await logOf("ca1")).toContain("Executing step ID: build. Timeout(sec): 900,");
    expect(await logOf("ca2")).toContain("Executing step ID: build. Timeout(sec): 3600,");
  });

  it("exists while the run runs and gets `Complete: <status>` metadata once final, with the values az acr checks", async () => {
    const client = acrClient(sandbox);
    const metadataOf = async (runId: string): Promise<Record<string, string> | undefined> => {
      const { logLink } = await client.runs.getLogSasUrl(RESOURCE_GROUP, REGISTRY, runId);
      const options: StoragePipelineOptions & { tlsOptions: { ca: string } } = { tlsOptions: { ca: sandbox.caPem } };
      return (await new BlobClient(logLink!, undefined, options).getProperties()).metadata;
    };
    const complete = (metadata: Record<string, string> | undefined): string | undefined =>
      Object.entries(metadata ?? {}).find(([key]) => key.toLowerCase() === "complete")?.[1];
    const plans = [undefined, "Failed", "Timeout", "Error"] as const;
    for (const status of plans) {
      if (status) sandbox.acr.failNextRun(status);
      await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, productBuildRequest(1800));
    }
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, productBuildRequest(1800));
    await clock.advance(5_000);
    // Running: the blob is there, without the mark.
    expect(complete(await metadataOf("ca1"))).toBeUndefined();
    await client.runs.beginCancelAndWait(RESOURCE_GROUP, REGISTRY, "ca5");
    await clock.advance(7_000);
    expect((await client.runs.get(RESOURCE_GROUP, REGISTRY, "ca4")).status).toBe("Error");
    // ACR's ARM statuses Timeout and Error read TimedOut and InternalError in the log mark, as azure-cli expects.
    expect(await Promise.all(["ca1", "ca2", "ca3", "ca4", "ca5"].map(async (id) => complete(await metadataOf(id))))).toEqual(["Succeeded", "Failed", "TimedOut", "InternalError", "Canceled"]);
  });

  it("names unnamed task steps as acr-builder does, with the default step timeout", async () => {
    const yaml = "version: v1.1.0\nsteps:\n  - build: -t $Registry/web:{{.Values.tag}} .\n  - push:\n    - $Registry/web:{{.Values.tag}}\n    timeout: 120\n";
    await acrClient(sandbox).registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, {
      type: "EncodedTaskRunRequest",
      encodedTaskContent: Buffer.from(yaml).toString("base64"),
      values: [{ name: "tag", value: "v1" }],
      platform: { os: "Linux" },
    });
    await clock.advance(12_000);
    const log = await logOf("ca1");
    expect(log).toContain("Executing step ID: acb_step_0. Timeout(sec): 600,");
    expect(log).toContain("Executing step ID: acb_step_1. Timeout(sec): 120,");
  });
});
