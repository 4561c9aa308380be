import { describe, expect, it } from "vitest";
import {
  MAX_BUILD_ARGS,
  buildArgValueProblem,
  parseDeploymentInput,
  toJsonPointer,
  type DeploymentRequest,
} from "../../src/domain/deployment.js";
import { BUILD_LOG_POLL_PROFILE, BUILD_POLL_PROFILE, DEPLOY_POLL_PROFILE, MAX_POLLS_PER_EXECUTION, QUEUE_POLL_PROFILE, VERIFY_POLL_PROFILE } from "../../src/domain/pollProfile.js";

const DIGEST = `sha256:${"0f".repeat(32)}`;
const UPLOAD = "source/201802130000/b52f12d8-c3d6-4d75-9107-220f0bfc681d.tar.gz";

function request(overrides: Record<string, unknown> = {}): DeploymentRequest {
  return {
    deploymentId: "dep-20260131-abc",
    requestedAt: "2026-01-31T12:00:00Z",
    target: { subscriptionId: "4385cf00-2d3a-425a-832f-f4285b1c9dce", resourceGroup: "my-rg", containerApp: "album-api" },
    image: { loginServer: "myregistry.azurecr.io", repository: "team/album-api", tag: "v1" },
    ...overrides,
  };
}

function issuesOf(raw: unknown): { path: string; message: string }[] {
  const result = parseDeploymentInput(raw);
  if (result.ok) throw new Error("expected issues");
  return result.issues;
}

function pathsOf(raw: unknown): string[] {
  return issuesOf(raw).map((issue) => issue.path);
}

describe("parseDeploymentInput: defaults", () => {
  it("fills policy, settings and build defaults", () => {
    const result = parseDeploymentInput(request({ build: { registry: { resourceGroup: "registry-rg" }, source: { kind: "upload", relativePath: UPLOAD } } }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.policy).toEqual({ verifyTimeoutSeconds: 600, warmupGraceSeconds: 60, onFailure: "restart-then-rollback" });
    expect(result.value.settings).toEqual({ buildPoll: BUILD_POLL_PROFILE, buildLogPoll: BUILD_LOG_POLL_PROFILE, deployPoll: DEPLOY_POLL_PROFILE, verifyPoll: VERIFY_POLL_PROFILE, queuePoll: QUEUE_POLL_PROFILE, maxPollsPerExecution: MAX_POLLS_PER_EXECUTION, activityRetry: { maxAttempts: 3, firstIntervalSeconds: 5, backoffCoefficient: 2, maxIntervalSeconds: 60 } });
    expect(result.value.build).toEqual({
      registry: { resourceGroup: "registry-rg" }, source: { kind: "upload", relativePath: UPLOAD },
      dockerfile: "Dockerfile",
      buildArgs: [],
      platform: "linux/amd64",
      timeoutSeconds: 3600,
      cache: true,
    });
  });

  it("keeps given values; build args are plain values or app-setting references", () => {
    const result = parseDeploymentInput(
      request({
        build: {
          registry: { resourceGroup: "registry-rg" }, source: { kind: "git", url: "https://github.com/org/repo.git", ref: "release/1.2", folder: "services/api" },
          dockerfile: "docker/Dockerfile.prod",
          buildArgs: [{ name: "NODE_ENV", value: "production" }, { name: "TOKEN", fromSetting: "BUILD_TOKEN" }],
          target: "runtime",
          platform: "linux/arm64",
          timeoutSeconds: 300,
          cache: false,
        },
        policy: { verifyTimeoutSeconds: 900, smokePath: "/healthz?full=1", warmupGraceSeconds: 0, onFailure: "none" },
        settings: { buildPoll: { initialSeconds: 30, factor: 1.5, maxSeconds: 300 }, maxPollsPerExecution: 10 },
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.build?.buildArgs).toEqual([
      { name: "NODE_ENV", value: "production" },
      { name: "TOKEN", fromSetting: "BUILD_TOKEN" },
    ]);
    expect(result.value.policy.onFailure).toBe("none");
    expect(result.value.settings.buildPoll).toEqual({ initialSeconds: 30, factor: 1.5, maxSeconds: 300 });
    expect(result.value.settings.verifyPoll).toEqual(VERIFY_POLL_PROFILE);
    expect(result.value.settings.maxPollsPerExecution).toBe(10);
  });

  it("accepts a digest without a build, and an optional container name", () => {
    const result = parseDeploymentInput(
      request({ image: { loginServer: "myregistry.azurecr.io", repository: "api", digest: DIGEST }, target: { ...request().target, container: "main" } }),
    );
    expect(result.ok).toBe(true);
  });
});

describe("parseDeploymentInput: target rules", () => {
  it.each(["ab", "a1", "a-b", `a${"b".repeat(31)}`])("accepts app name %s", (containerApp) => {
    expect(parseDeploymentInput(request({ target: { ...request().target, containerApp } })).ok).toBe(true);
  });

  it.each(["a", "1ab", "Ab", "ab-", "a--b", "a_b", `a${"b".repeat(32)}`])("rejects app name %s", (containerApp) => {
    expect(pathsOf(request({ target: { ...request().target, containerApp } }))).toEqual(["/target/containerApp"]);
  });

  it.each(["rg", "My_RG.(prod)-1", "r", "grupo-ñandú", "x".repeat(90)])("accepts resource group %s", (resourceGroup) => {
    expect(parseDeploymentInput(request({ target: { ...request().target, resourceGroup } })).ok).toBe(true);
  });

  it.each(["", "rg.", "rg/x", "rg x", "x".repeat(91)])("rejects resource group %j", (resourceGroup) => {
    expect(pathsOf(request({ target: { ...request().target, resourceGroup } }))).toEqual(["/target/resourceGroup"]);
  });

  it("rejects a non-GUID subscription and a bad container name", () => {
    expect(pathsOf(request({ target: { ...request().target, subscriptionId: "sub-1", container: "Main" } }))).toEqual([
      "/target/subscriptionId",
      "/target/container",
    ]);
  });
});

describe("parseDeploymentInput: image and build rules", () => {
  it("requires exactly one of tag or digest", () => {
    expect(issuesOf(request({ image: { loginServer: "r.azurecr.io", repository: "api" } }))).toEqual([{ path: "/image", message: "give exactly one of tag or digest" }]);
    expect(pathsOf(request({ image: { loginServer: "r.azurecr.io", repository: "api", tag: "1", digest: DIGEST } }))).toEqual(["/image"]);
  });

  it("reports image part problems with the shared messages", () => {
    expect(issuesOf(request({ image: { loginServer: "r.azurecr.io", repository: "Api", tag: "-x" } }))).toEqual([
      { path: "/image/repository", message: expect.stringContaining('"Api"') },
      { path: "/image/tag", message: expect.stringContaining("not starting with") },
    ]);
  });

  it("refuses a build with a digest", () => {
    expect(pathsOf(request({ image: { loginServer: "r.azurecr.io", repository: "api", digest: DIGEST }, build: { registry: { resourceGroup: "registry-rg" }, source: { kind: "upload", relativePath: UPLOAD } } }))).toEqual([
      "/image/digest",
    ]);
  });

  it.each([
    [{ kind: "upload", relativePath: "source/x.tar.gz" }, "/build/source/relativePath"],
    [{ kind: "upload", relativePath: `${UPLOAD}?sig=abc` }, "/build/source/relativePath"],
    [{ kind: "git", url: "http://github.com/o/r.git" }, "/build/source/url"],
    [{ kind: "git", url: "https://user:pat@github.com/o/r.git" }, "/build/source/url"],
    [{ kind: "git", url: "https://github.com/o/r.git#main" }, "/build/source/url"],
    [{ kind: "git", url: "not a url" }, "/build/source/url"],
    [{ kind: "git", url: "https://github.com/o/r.git", ref: "-x" }, "/build/source/ref"],
    [{ kind: "git", url: "https://github.com/o/r.git", ref: "a..b" }, "/build/source/ref"],
    [{ kind: "git", url: "https://github.com/o/r.git", folder: "../x" }, "/build/source/folder"],
    [{ kind: "git", url: "https://github.com/o/r.git", folder: "/abs" }, "/build/source/folder"],
    [{ kind: "svn", url: "https://x" }, "/build/source/kind"],
    [{ kind: "upload", relativePath: UPLOAD, extra: true }, "/build/source/extra"],
  ])("rejects source %j", (source, path) => {
    expect(pathsOf(request({ build: { registry: { resourceGroup: "registry-rg" }, source } }))).toEqual([path]);
  });

  it.each([
    [{ dockerfile: "../Dockerfile" }, "/build/dockerfile"],
    [{ dockerfile: "/Dockerfile" }, "/build/dockerfile"],
    [{ dockerfile: "-f" }, "/build/dockerfile"],
    [{ dockerfile: "a b" }, "/build/dockerfile"],
    [{ target: "1stage" }, "/build/target"],
    [{ platform: "windows/amd64" }, "/build/platform"],
    [{ timeoutSeconds: 299 }, "/build/timeoutSeconds"],
    [{ timeoutSeconds: 28801 }, "/build/timeoutSeconds"],
    [{ timeoutSeconds: 600.5 }, "/build/timeoutSeconds"],
    [{ cache: "yes" }, "/build/cache"],
    [{ buildArgs: [{ name: "1X", value: "v" }] }, "/build/buildArgs/0/name"],
    [{ buildArgs: [{ name: "X", value: "a\nb" }] }, "/build/buildArgs/0/value"],
    [{ buildArgs: [{ name: "X", value: "v" }, { name: "X", value: "w" }] }, "/build/buildArgs/1/name"],
    [{ buildArgs: Array.from({ length: MAX_BUILD_ARGS + 1 }, (_, i) => ({ name: `A${i}`, value: "v" })) }, "/build/buildArgs"],
  ])("rejects build field %j", (fields, path) => {
    expect(pathsOf(request({ build: { registry: { resourceGroup: "registry-rg" }, source: { kind: "upload", relativePath: UPLOAD }, ...fields } }))).toEqual([path]);
  });
});

describe("parseDeploymentInput: policy, settings, top level", () => {
  it.each([
    [{ smokePath: "healthz" }, "/policy/smokePath"],
    [{ smokePath: "//evil.example/x" }, "/policy/smokePath"],
    [{ smokePath: "/a b" }, "/policy/smokePath"],
    [{ warmupGraceSeconds: 700 }, "/policy/warmupGraceSeconds"],
    [{ onFailure: "retry" }, "/policy/onFailure"],
    [{ verifyTimeoutSeconds: 10, warmupGraceSeconds: 0 }, "/policy/verifyTimeoutSeconds"],
  ])("rejects policy %j", (policy, path) => {
    expect(pathsOf(request({ policy }))).toEqual([path]);
  });

  it("rejects bad poll settings", () => {
    expect(pathsOf(request({ settings: { verifyPoll: { initialSeconds: 10, factor: 2, maxSeconds: 5 } } }))).toEqual(["/settings/verifyPoll/maxSeconds"]);
    expect(pathsOf(request({ settings: { buildPoll: { initialSeconds: 0, factor: 2, maxSeconds: 5 } } }))).toEqual(["/settings/buildPoll/initialSeconds"]);
  });

  it.each([
    [{ deploymentId: "Dep-1" }, "/deploymentId"],
    [{ deploymentId: "dep-" }, "/deploymentId"],
    [{ deploymentId: "a".repeat(65) }, "/deploymentId"],
    [{ requestedAt: "yesterday" }, "/requestedAt"],
    [{ requestedAt: "2026-01-31" }, "/requestedAt"],
  ])("rejects top-level %j", (fields, path) => {
    expect(pathsOf(request(fields))).toEqual([path]);
  });

  it("accepts an offset timestamp", () => {
    expect(parseDeploymentInput(request({ requestedAt: "2026-01-31T12:00:00.123+01:00" })).ok).toBe(true);
  });

  it("reports every unknown field at its own pointer, escaping per RFC 6901", () => {
    const issues = issuesOf({ ...request(), "a/b~c": 1, policy: { extra: 2 }, image: { ...request().image, foo: 3 } });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: "/a~1b~0c", message: "is not a known field" },
        { path: "/policy/extra", message: "is not a known field" },
        { path: "/image/foo", message: "is not a known field" },
      ]),
    );
    expect(issues).toHaveLength(3);
  });

  it("reports missing sections and a non-object at the root", () => {
    expect(pathsOf({})).toEqual(expect.arrayContaining(["/deploymentId", "/requestedAt", "/target", "/image"]));
    expect(pathsOf(null)).toEqual([""]);
  });

});

describe("build args", () => {
  it("buildArgValueProblem refuses line breaks, control characters, the template marker and overlong values", () => {
    for (const value of ["plain", "", "it's", "tab\there", "$(x) `y` ${z}", "{{.Run.ID}}", "漢字 🙂", "x".repeat(4096)]) {
      expect(buildArgValueProblem(value)).toBeUndefined();
    }
    for (const value of ["a\nb", "a\rb", "a\u0000", "a\u001b[31m", "a\u007f", "a\u0085b", "a\u2028b", "a\u2029b", "\ufeffa", "x <no value> y", "x".repeat(4097)]) {
      expect(buildArgValueProblem(value)).toBeDefined();
    }
  });

  it("refuses inline secret values, args with both or neither of value and fromSetting, and bad setting names", () => {
    const result = parseDeploymentInput(
      request({
        build: {
          registry: { resourceGroup: "registry-rg" },
          source: { kind: "upload", relativePath: UPLOAD },
          buildArgs: [
            { name: "A", value: "pat-123456", secret: true },
            { name: "B", value: "x", fromSetting: "B_SETTING" },
            { name: "C" },
            { name: "D", fromSetting: "not-a-setting" },
          ],
        },
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      { path: "/build/buildArgs/0/secret", message: expect.stringContaining("fromSetting") },
      { path: "/build/buildArgs/1", message: expect.stringContaining("exactly one of value") },
      { path: "/build/buildArgs/2", message: expect.stringContaining("exactly one of value") },
      { path: "/build/buildArgs/3/fromSetting", message: expect.stringContaining("app setting name") },
    ]);
    expect(JSON.stringify(result.issues)).not.toContain("pat-123456");
  });
});

describe("toJsonPointer", () => {
  it("escapes ~ and / and renders the root as empty", () => {
    expect(toJsonPointer([])).toBe("");
    expect(toJsonPointer(["a", 0, "b/c", "d~e"])).toBe("/a/0/b~1c/d~0e");
  });
});

describe("parseDeploymentInput: build registry", () => {
  const source = { kind: "upload", relativePath: UPLOAD };
  it("requires the registry's resource group and checks its name", () => {
    expect(pathsOf(request({ build: { source } }))).toEqual(["/build/registry"]);
    expect(pathsOf(request({ build: { registry: { resourceGroup: "rg", name: "no" }, source } }))).toEqual(["/build/registry/name"]);
    expect(pathsOf(request({ build: { registry: { resourceGroup: "rg", subscriptionId: "x" }, source } }))).toEqual(["/build/registry/subscriptionId"]);
  });
});

describe("parseDeploymentInput: trigger", () => {
  it("records what started the deploy, api by default", () => {
    const plain = parseDeploymentInput(request());
    expect(plain.ok && plain.value.trigger).toEqual({ kind: "api" });
    const pushed = parseDeploymentInput(request({ trigger: { kind: "webhook", eventIds: ["e1", "e2"], tag: "v2", coalesced: 2 } }));
    expect(pushed.ok && pushed.value.trigger).toEqual({ kind: "webhook", eventIds: ["e1", "e2"], tag: "v2", coalesced: 2 });
  });

  it("refuses an unknown kind, an unknown field and a bad tag", () => {
    expect(pathsOf(request({ trigger: { kind: "cron" } }))).toEqual(["/trigger/kind"]);
    expect(pathsOf(request({ trigger: { kind: "scan", who: "me" } }))).toEqual(["/trigger/who"]);
    expect(pathsOf(request({ trigger: { kind: "scan", tag: "-v1" } }))).toEqual(["/trigger/tag"]);
  });
});
