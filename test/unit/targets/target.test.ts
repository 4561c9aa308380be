import { describe, expect, it } from "vitest";
import {
  MASKED,
  allowListIssues,
  parseTargetsDocument,
  semverRangeProblem,
  tagPolicyProblem,
  targetConfigurationView,
  type TargetDeclaration,
} from "../../../src/domain/target.js";

const SUB = "4385cf00-2d3a-425a-832f-f4285b1c9dce";
const OTHER_SUB = "99999999-2d3a-425a-832f-f4285b1c9dce";

function target(overrides: Partial<Record<keyof TargetDeclaration | "extra", unknown>> = {}): Record<string, unknown> {
  return {
    name: "web",
    containerApp: { subscriptionId: SUB, resourceGroup: "rg-web", containerApp: "web-app" },
    image: { loginServer: "contoso.azurecr.io", repository: "team/web" },
    ...overrides,
  };
}

function issuesOf(raw: unknown) {
  const result = parseTargetsDocument(raw);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.issues;
}

describe("parseTargetsDocument", () => {
  it("fills defaults for a minimal target", () => {
    const result = parseTargetsDocument({ targets: [target()] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [web] = result.value.targets;
    expect(web).toEqual({
      name: "web",
      containerApp: { subscriptionId: SUB, resourceGroup: "rg-web", containerApp: "web-app" },
      image: { loginServer: "contoso.azurecr.io", repository: "team/web" },
      policy: { verifyTimeoutSeconds: 600, warmupGraceSeconds: 60, onFailure: "restart-then-rollback" },
      notifications: { teams: [], slack: [], webhook: [] },
      allowOverrides: [],
    });
    expect(result.value.allow).toBeUndefined();
  });

  it("accepts a full target: build defaults with plain and secret args, notifications by setting, auto-rollout, overrides", () => {
    const result = parseTargetsDocument({
      targets: [
        target({
          build: {
            registry: { resourceGroup: "rg-acr" },
            source: { kind: "git", url: "https://github.com/contoso/web.git", ref: "main" },
            buildArgs: [{ name: "NODE_ENV", value: "production" }, { name: "NPM_TOKEN", fromSetting: "NPM_TOKEN_SETTING" }],
          },
          policy: { smokePath: "/healthz", onFailure: "rollback" },
          notifications: { teams: [{ webhookUrlSetting: "TEAMS_URL" }], webhook: [{ urlSetting: "HOOK_URL", secretSetting: "HOOK_SECRET" }] },
          autoRollout: { tagPolicy: { kind: "semver", pattern: "^1.2.0" } },
          allowOverrides: ["build.buildArgs", "policy.smokePath"],
        }),
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const web = result.value.targets[0]!;
    expect(web.build?.dockerfile).toBe("Dockerfile");
    expect(web.build?.buildArgs).toEqual([{ name: "NODE_ENV", value: "production" }, { name: "NPM_TOKEN", fromSetting: "NPM_TOKEN_SETTING" }]);
    const events = ["succeeded", "failed", "rolledBack", "superseded", "canceled", "skipped"];
    expect(web.notifications).toEqual({ teams: [{ webhookUrlSetting: "TEAMS_URL", events }], slack: [], webhook: [{ urlSetting: "HOOK_URL", secretSetting: "HOOK_SECRET", events }] });
    expect(web.autoRollout).toEqual({ enabled: true, tagPolicy: { kind: "semver", pattern: "^1.2.0" } });
    expect(web.policy.onFailure).toBe("rollback");
  });

  it("rejects unknown fields at every level, each located by its own pointer", () => {
    const issues = issuesOf({
      targets: [target({ extra: 1, containerApp: { subscriptionId: SUB, resourceGroup: "rg", containerApp: "web-app", app: "x" }, notifications: { teams: [{ url: "https://x" }] } })],
      allow: { regions: [] },
      version: 2,
    });
    expect(issues.map((i) => i.path).sort()).toEqual(
      ["/allow/regions", "/targets/0/containerApp/app", "/targets/0/extra", "/targets/0/notifications/teams/0/url", "/targets/0/notifications/teams/0/webhookUrlSetting", "/version"].sort(),
    );
    expect(issues.find((i) => i.path === "/version")?.message).toBe("is not a known field");
  });

  it("reports every problem of every target at once, with JSON pointers", () => {
    const issues = issuesOf({
      targets: [
        target(),
        target({ name: "Bad Name", containerApp: { subscriptionId: "nope", resourceGroup: "rg.", containerApp: "web-app" } }),
        target({ name: "api", image: { loginServer: "contoso.azurecr.io", repository: "Team/Web" }, policy: { onFailure: "pray" }, allowOverrides: ["image"] }),
      ],
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      "/targets/1/containerApp/resourceGroup",
      "/targets/1/containerApp/subscriptionId",
      "/targets/1/name",
      "/targets/2/allowOverrides/0",
      "/targets/2/image/repository",
      "/targets/2/policy/onFailure",
    ]);
  });

  it("rejects duplicate names, even alongside other errors", () => {
    const issues = issuesOf({ targets: [target(), target({ policy: { verifyTimeoutSeconds: 1 } }), target()] });
    expect(issues).toContainEqual({ path: "/targets/1/name", message: 'duplicate target name "web" (also /targets/0/name)' });
    expect(issues).toContainEqual({ path: "/targets/2/name", message: 'duplicate target name "web" (also /targets/0/name)' });
    expect(issues.map((i) => i.path)).toContain("/targets/1/policy/verifyTimeoutSeconds");
  });

  it("enforces the allow list on each app and build registry, pointing at the offending field", () => {
    const doc = {
      allow: { subscriptions: [SUB], resourceGroups: ["RG-web", "rg-acr"] },
      targets: [
        target({ build: { registry: { resourceGroup: "rg-acr" }, source: { kind: "upload", relativePath: "source/202601010000/b52f12d8-c3d6-4d75-9107-220f0bfc681d.tar.gz" } } }),
        target({ name: "other", containerApp: { subscriptionId: OTHER_SUB, resourceGroup: "rg-other", containerApp: "other-app" } }),
        target({ name: "reg", build: { registry: { subscriptionId: OTHER_SUB, resourceGroup: "rg-elsewhere" }, source: { kind: "git", url: "https://github.com/a/b.git" } } }),
      ],
    };
    const issues = issuesOf(doc);
    expect(issues.map((i) => i.path)).toEqual([
      "/targets/1/containerApp/subscriptionId",
      "/targets/1/containerApp/resourceGroup",
      "/targets/2/build/registry/subscriptionId",
      "/targets/2/build/registry/resourceGroup",
    ]);
    expect(issues[0]!.message).toContain(OTHER_SUB);
    // Resource group names compare case-insensitively (ARM names do); the first target is allowed.
    expect(parseTargetsDocument({ ...doc, targets: [doc.targets[0]] }).ok).toBe(true);
    // An absent list allows anything.
    expect(parseTargetsDocument({ targets: doc.targets }).ok).toBe(true);
  });

  it("validates allow-list entries themselves", () => {
    const issues = issuesOf({ allow: { subscriptions: ["not-a-guid"], resourceGroups: ["bad."] }, targets: [] });
    expect(issues.map((i) => i.path)).toEqual(["/allow/subscriptions/0", "/allow/resourceGroups/0"]);
  });

  it("needs a build source unless requests may give it", () => {
    const build = { registry: { resourceGroup: "rg-acr" } };
    expect(issuesOf({ targets: [target({ build })] })).toEqual([{ path: "/targets/0/build/source", message: expect.stringContaining("build.source") }]);
    expect(parseTargetsDocument({ targets: [target({ build, allowOverrides: ["build.source"] })] }).ok).toBe(true);
    expect(parseTargetsDocument({ targets: [target({ build, allowOverrides: ["build"] })] }).ok).toBe(true);
  });

  it("refuses inline secret build-arg values and malformed setting names", () => {
    const issues = issuesOf({
      targets: [
        target({
          build: { registry: { resourceGroup: "rg-acr" }, source: { kind: "git", url: "https://github.com/a/b.git" }, buildArgs: [{ name: "TOKEN", value: "s3cr3t", secret: true }, { name: "K", fromSetting: "bad-name" }] },
          notifications: { slack: [{ webhookUrlSetting: "https://hooks.slack.com/services/T/B/X" }] },
        }),
      ],
    });
    expect(issues.map((i) => i.path)).toEqual(["/targets/0/build/buildArgs/0/secret", "/targets/0/build/buildArgs/1/fromSetting", "/targets/0/notifications/slack/0/webhookUrlSetting"]);
    expect(JSON.stringify(issues)).not.toContain("s3cr3t");
    expect(JSON.stringify(issues)).not.toContain("hooks.slack.com");
  });

  it("validates tag policies by kind", () => {
    const withPolicy = (kind: string, pattern: string) => parseTargetsDocument({ targets: [target({ autoRollout: { enabled: true, tagPolicy: { kind, pattern } } })] });
    for (const [kind, pattern] of [["exact", "latest"], ["glob", "release-*"], ["regex", "^v\\d+\\.\\d+$"], ["semver", ">=1.0.0 <2.0.0 || 3.x"]] as const) {
      expect(withPolicy(kind, pattern).ok, `${kind} ${pattern}`).toBe(true);
    }
    for (const [kind, pattern] of [["exact", "-bad"], ["glob", "rel/*"], ["regex", "(unclosed"], ["semver", "one.two"], ["exact", ""], ["regex", "x".repeat(257)]] as const) {
      const result = withPolicy(kind, pattern);
      expect(result.ok, `${kind} ${pattern}`).toBe(false);
      if (!result.ok) expect(result.issues.map((i) => i.path)).toEqual(["/targets/0/autoRollout/tagPolicy/pattern"]);
    }
    const badKind = withPolicy("fuzzy", "x");
    expect(badKind.ok ? [] : badKind.issues.map((i) => i.path)).toEqual(["/targets/0/autoRollout/tagPolicy/kind"]);
  });

  it("requires an object document", () => {
    expect(issuesOf([])).toEqual([{ path: "", message: expect.stringContaining("JSON object") }]);
    expect(issuesOf({})).toEqual([{ path: "/targets", message: expect.any(String) }]);
  });
});

describe("tag policy helpers", () => {
  it("semverRangeProblem accepts common ranges and refuses nonsense", () => {
    for (const ok of ["1.2.3", "^1.2.0", "~1.4", ">= 1.2.0 < 2", "1.x || 2.x", "1.0.0 - 1.5.0", "v2.0.0-rc.1", "*", "=1.0.0+build.5"]) expect(semverRangeProblem(ok), ok).toBeUndefined();
    for (const bad of ["", "1.2.3.4", "^^1", "01.2.3", "1.2.3 ||", "latest", ">=1.0.0 - 2.0.0"]) expect(semverRangeProblem(bad), bad).toBeDefined();
  });

  it("tagPolicyProblem explains a regex that does not compile", () => {
    expect(tagPolicyProblem("regex", "[a-")).toMatch(/^is not a valid regular expression/);
  });
});

describe("allowListIssues", () => {
  it("checks a scope under a caller-chosen pointer", () => {
    const allow = { subscriptions: [SUB], resourceGroups: ["rg-a"] };
    expect(allowListIssues(allow, { subscriptionId: SUB.toUpperCase(), resourceGroup: "RG-A" }, "/build/registry")).toEqual([]);
    expect(allowListIssues(allow, { subscriptionId: OTHER_SUB, resourceGroup: "rg-b" }, "/build/registry").map((i) => i.path)).toEqual([
      "/build/registry/subscriptionId",
      "/build/registry/resourceGroup",
    ]);
    expect(allowListIssues(undefined, { subscriptionId: OTHER_SUB, resourceGroup: "x" }, "")).toEqual([]);
  });
});

describe("targetConfigurationView", () => {
  it("shows secret build args by setting name only and notifications by setting name", () => {
    const result = parseTargetsDocument({
      targets: [
        target({
          build: { registry: { resourceGroup: "rg-acr" }, source: { kind: "git", url: "https://github.com/a/b.git" }, buildArgs: [{ name: "MODE", value: "prod" }, { name: "TOKEN", fromSetting: "TOKEN_SETTING" }] },
          notifications: { webhook: [{ urlSetting: "HOOK_URL", secretSetting: "HOOK_SECRET" }] },
        }),
      ],
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const definition = result.value.targets[0]!;
    const view = targetConfigurationView(definition);
    expect(view.build).toMatchObject({ buildArgs: [{ name: "MODE", value: "prod" }, { name: "TOKEN", fromSetting: "TOKEN_SETTING" }] });
    expect(view.notifications).toEqual({ teams: [], slack: [], webhook: [{ urlSetting: "HOOK_URL", secretSetting: "HOOK_SECRET", events: ["succeeded", "failed", "rolledBack", "superseded", "canceled", "skipped"] }] });
    // A value attached to a secret arg (it never should be) is masked, not shown.
    const tampered = { ...definition, build: { ...definition.build!, buildArgs: [{ name: "TOKEN", fromSetting: "TOKEN_SETTING", value: "leak" }] } };
    expect(JSON.stringify(targetConfigurationView(tampered))).not.toContain("leak");
    // Fields added to the object later are not shown unless the view names them.
    expect(targetConfigurationView({ ...definition, ...{ hidden: "x" } })).not.toHaveProperty("hidden");
    expect(MASKED).toBe("***");
  });
});
