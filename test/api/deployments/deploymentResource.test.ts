/** From an orchestration instance to the API's DeploymentResource (src/functions/http/deploymentResource.ts). */
import { describe, expect, it } from "vitest";
import { DEPLOYMENT_ID_PATTERN } from "../../../src/domain/deployment.js";
import { decodeCursor, encodeCursor } from "../../../src/functions/http/deploymentCursor.js";
import { freshDeploymentId, idempotencyKeyProblem, idempotentDeploymentId } from "../../../src/functions/http/deploymentIds.js";
import { deploymentStatusOf, toDeploymentResource, type DeploymentInstance } from "../../../src/functions/http/deploymentResource.js";

const INPUT = {
  deploymentId: "dep-1",
  targetName: "web",
  target: { subscriptionId: "s", resourceGroup: "rg", containerApp: "web-app" },
  image: { loginServer: "contoso.azurecr.io", repository: "team/web", tag: "v2" },
  build: { buildArgs: [{ name: "PLAIN", value: "plain-value-123" }] },
};

function instance(extra: Partial<DeploymentInstance>): DeploymentInstance {
  return { name: "deploy", instanceId: "dep-1", runtimeStatus: "Running", input: INPUT, customStatus: null, output: null, createdTime: "2026-01-01T00:00:00Z", lastUpdatedTime: new Date("2026-01-01T00:01:00Z"), ...extra };
}

describe("deploymentStatusOf", () => {
  it("maps runtime states and phases to the API's statuses", () => {
    expect(deploymentStatusOf(instance({ runtimeStatus: "Pending" }))).toEqual({ status: "Pending" });
    expect(deploymentStatusOf(instance({ customStatus: { phase: "Verifying", steps: [] } }))).toEqual({ status: "Verifying" });
    expect(deploymentStatusOf(instance({ customStatus: null }))).toEqual({ status: "Pending" });
    expect(deploymentStatusOf(instance({ runtimeStatus: "Completed", output: { outcome: "RolledBack", reason: "bad revision" } }))).toEqual({ status: "RolledBack", reason: "bad revision" });
    expect(deploymentStatusOf(instance({ runtimeStatus: "Failed", output: "Orchestrator function 'deploy' failed: boom" }))).toEqual({
      status: "Failed",
      reason: "the deploy orchestration failed: Orchestrator function 'deploy' failed: boom",
    });
    expect(deploymentStatusOf(instance({ runtimeStatus: "Terminated", output: "by operator" }))).toEqual({ status: "Canceled", reason: "the deploy was terminated: by operator" });
  });
});

describe("toDeploymentResource", () => {
  it("reads ids from the custom status while running and never shows the input's other fields", () => {
    const resource = toDeploymentResource(
      instance({ customStatus: { phase: "Building", steps: [{ name: "build", status: "running", startedAt: "2026-01-01T00:00:01Z", extra: "dropped" }], runId: "ca1", previousRevision: "web-app--a" } }),
    );
    expect(resource).toEqual({
      id: "dep-1",
      target: "web",
      image: { loginServer: "contoso.azurecr.io", repository: "team/web", tag: "v2" },
      status: "Building",
      trigger: { kind: "api" },
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:01:00.000Z",
      steps: [{ name: "build", status: "running", startedAt: "2026-01-01T00:00:01Z" }],
      runId: "ca1",
      previousRevision: "web-app--a",
    });
    expect(JSON.stringify(resource)).not.toContain("plain-value-123");
  });

  it("takes the outcome's details from the output", () => {
    const digest = `sha256:${"c".repeat(64)}`;
    const resource = toDeploymentResource(
      instance({
        runtimeStatus: "Completed",
        output: {
          outcome: "Failed",
          reason: "the build failed",
          steps: [{ name: "build", status: "failed" }],
          runId: "ca2",
          digest,
          newRevision: "web-app--b",
          logTail: "npm ERR!",
          quarantinedDigest: digest,
          error: { code: "BuildFailed", message: "exit 1", statusCode: 200, correlationId: "corr-1", secretish: "dropped" },
        },
      }),
    );
    expect(resource).toMatchObject({ status: "Failed", reason: "the build failed", runId: "ca2", revision: "web-app--b", logTail: "npm ERR!", quarantinedDigest: digest, image: { tag: "v2", digest } });
    expect(resource.error).toEqual({ code: "BuildFailed", message: "exit 1", statusCode: 200, correlationId: "corr-1" });
  });
});

describe("ids, keys and cursors", () => {
  it("makes ids that fit the deploy id pattern", () => {
    const fresh = freshDeploymentId(new Date("2026-03-04T05:06:07.890Z"), () => Buffer.from([0, 1, 2, 31, 32, 255, 100, 7]));
    expect(fresh).toBe("dep-20260304050607-abc7a7eh");
    expect(fresh).toMatch(DEPLOYMENT_ID_PATTERN);
    const keyed = idempotentDeploymentId("key-1");
    expect(keyed).toMatch(/^dep-[0-9a-f]{24}$/);
    expect(keyed).toMatch(DEPLOYMENT_ID_PATTERN);
    expect(idempotentDeploymentId("key-1")).toBe(keyed);
    expect(idempotentDeploymentId("key-2")).not.toBe(keyed);
  });

  it("accepts 1-128 printable ASCII characters as an idempotency key", () => {
    expect(idempotencyKeyProblem("a b/c:1")).toBeUndefined();
    expect(idempotencyKeyProblem("k".repeat(128))).toBeUndefined();
    expect(idempotencyKeyProblem("")).toBeDefined();
    expect(idempotencyKeyProblem("k".repeat(129))).toBeDefined();
    expect(idempotencyKeyProblem("tab\there")).toBeDefined();
  });

  it("round-trips a cursor and refuses anything else", () => {
    const cursor = { createdAt: "2026-01-01T00:00:00.000Z", id: "dep-1", target: "web", status: "Failed" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(Buffer.from(JSON.stringify({ v: 1, c: "2026-01-01T00:00:00Z", i: "dep-1", x: 1 })).toString("base64url"))).toBeUndefined();
    expect(decodeCursor(Buffer.from(JSON.stringify({ v: 1, c: "yesterday", i: "dep-1" })).toString("base64url"))).toBeUndefined();
    expect(decodeCursor("")).toBeUndefined();
  });
});
