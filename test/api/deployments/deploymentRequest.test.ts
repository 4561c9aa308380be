/** Composing a deploy input from a target and a request body (src/domain/deploymentRequest.ts). */
import { describe, expect, it } from "vitest";
import { composeDeploymentInput, deploymentFingerprint, parseDeploymentRequestBody, type DeploymentRequestBody } from "../../../src/domain/deploymentRequest.js";
import { parseTargetsDocument, type TargetDeclaration, type TargetDefinition } from "../../../src/domain/target.js";

const SUB = "11111111-2222-4333-8444-555555555555";
const IDS = { deploymentId: "dep-20260101000000-abcdefgh", requestedAt: "2026-01-01T00:00:00.000Z" };

function target(extra: Partial<TargetDeclaration> = {}): TargetDefinition {
  const parsed = parseTargetsDocument({
    targets: [{ name: "web", containerApp: { subscriptionId: SUB, resourceGroup: "rg", containerApp: "web-app", container: "main" }, image: { loginServer: "contoso.azurecr.io", repository: "team/web" }, ...extra }],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value.targets[0]!;
}

function body(raw: unknown): DeploymentRequestBody {
  const parsed = parseDeploymentRequestBody(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

const BUILD = {
  registry: { resourceGroup: "rg-acr", name: "contosoacr" },
  source: { kind: "git" as const, url: "https://github.com/contoso/web.git" },
  buildArgs: [
    { name: "NODE_ENV", value: "production" },
    { name: "NPM_TOKEN", fromSetting: "NPM_TOKEN_SETTING" },
  ],
};

describe("composeDeploymentInput", () => {
  it("takes the app, image and defaults from the target, the version from the body", () => {
    const result = composeDeploymentInput(target({ policy: { onFailure: "rollback" } }), body({ target: "web", tag: "v7" }), IDS);
    expect(result).toMatchObject({
      ok: true,
      input: {
        ...IDS,
        targetName: "web",
        target: { subscriptionId: SUB, resourceGroup: "rg", containerApp: "web-app", container: "main" },
        image: { loginServer: "contoso.azurecr.io", repository: "team/web", tag: "v7" },
        policy: { onFailure: "rollback", verifyTimeoutSeconds: 600, warmupGraceSeconds: 60 },
      },
    });
    expect(result.ok && result.input.build).toBeUndefined();
  });

  it("builds with the target's build; request args replace same-named ones and keep the target's secret references", () => {
    const result = composeDeploymentInput(
      target({ build: BUILD, allowOverrides: ["build.buildArgs", "build.dockerfile"] }),
      body({ target: "web", tag: "v7", build: { dockerfile: "app/Dockerfile", buildArgs: [{ name: "NODE_ENV", value: "staging" }, { name: "EXTRA", value: "1" }] } }),
      IDS,
    );
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.input.build).toMatchObject({ registry: BUILD.registry, source: BUILD.source, dockerfile: "app/Dockerfile" });
    expect(result.input.build?.buildArgs).toEqual([
      { name: "NODE_ENV", value: "staging" },
      { name: "NPM_TOKEN", fromSetting: "NPM_TOKEN_SETTING" },
      { name: "EXTRA", value: "1" },
    ]);
  });

  it('lets a whole build come from the request only where allowOverrides has "build"', () => {
    const request = body({ target: "web", tag: "v7", build: { ...BUILD, buildArgs: [] } });
    const refused = composeDeploymentInput(target(), request, IDS);
    expect(refused).toMatchObject({ ok: false, kind: "invalid", issues: [{ pointer: "/build" }] });
    const allowed = composeDeploymentInput(target({ allowOverrides: ["build"] }), request, IDS);
    expect(allowed.ok && allowed.input.build?.registry).toEqual(BUILD.registry);
  });

  it("reports a registry outside the allow list as forbidden", () => {
    const request = body({ target: "web", tag: "v7", build: { registry: { resourceGroup: "rg-other" }, source: BUILD.source } });
    const result = composeDeploymentInput(target({ allowOverrides: ["build"] }), request, IDS, { resourceGroups: ["rg", "rg-acr"] });
    expect(result).toMatchObject({ ok: false, kind: "forbidden", issues: [{ pointer: "/build/registry/resourceGroup" }] });
  });

  it("blames the target, not the body, for a problem only its definition can cause", () => {
    const broken = { ...target(), containerApp: { subscriptionId: "not-a-guid", resourceGroup: "rg", containerApp: "web-app" } };
    const result = composeDeploymentInput(broken, body({ target: "web", tag: "v7" }), IDS);
    expect(result).toMatchObject({ ok: false, kind: "configuration", issues: [{ path: "/containerApp/subscriptionId" }] });
  });
});

describe("deploymentFingerprint", () => {
  it("ignores the id, the request time and key order, and nothing else", () => {
    const a = { deploymentId: "dep-a", requestedAt: "2026-01-01T00:00:00Z", image: { tag: "v1", repository: "r" }, policy: { x: 1 } };
    const b = { policy: { x: 1 }, image: { repository: "r", tag: "v1" }, requestedAt: "2026-02-02T00:00:00Z", deploymentId: "dep-b" };
    expect(deploymentFingerprint(a)).toBe(deploymentFingerprint(b));
    expect(deploymentFingerprint(a)).not.toBe(deploymentFingerprint({ ...b, image: { repository: "r", tag: "v2" } }));
    expect(deploymentFingerprint(a)).not.toBe(deploymentFingerprint({ ...b, policy: { x: 1, y: 2 } }));
  });
});
