import { describe, expect, it } from "vitest";
import { parseDeploymentInput } from "../../../src/domain/deployment.js";
import { deployNotice } from "../../../src/orchestrations/announce.js";
import { lintSummary } from "../../../src/policies/lintSummary.js";

const parsed = parseDeploymentInput({
  deploymentId: "dep-1",
  requestedAt: "2026-11-28T09:00:00Z",
  target: { subscriptionId: "11111111-2222-4333-8444-555555555555", resourceGroup: "rg", containerApp: "web" },
  image: { loginServer: "acr.azurecr.io", repository: "web", tag: "v2" },
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));

describe("the build in notifications", () => {
  it("carries the layer/cache summary and the lint's findings in a line each", () => {
    const notice = deployNotice(parsed.value, "succeeded", new Date("2026-11-28T09:05:00Z"), {
      deploymentId: "dep-1",
      outcome: "Succeeded",
      reason: "ok",
      steps: [],
      build: {
        summary: "1 of 6 layers new, 1.1 kB of 205 kB; 4/5 steps cached",
        lint: { mode: "warn", dockerfile: "Dockerfile", findings: [], counts: { cache: 21, size: 1, security: 0 }, omitted: 2 },
      },
    });
    expect(notice.build).toEqual({ summary: "1 of 6 layers new, 1.1 kB of 205 kB; 4/5 steps cached", lint: "22 findings (21 cache, 1 size)" });
  });

  it("has no build line for a deploy that did not build", () => {
    expect(deployNotice(parsed.value, "succeeded", new Date("2026-11-28T09:05:00Z"), { deploymentId: "dep-1", outcome: "Succeeded", reason: "ok", steps: [] }).build).toBeUndefined();
    expect(lintSummary({ counts: { cache: 0, size: 0, security: 0 } })).toBe("no findings");
    expect(lintSummary({ counts: { cache: 0, size: 0, security: 1 } })).toBe("1 finding (1 security)");
  });
});
