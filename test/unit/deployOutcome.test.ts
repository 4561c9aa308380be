import { describe, expect, it } from "vitest";
import { DEPLOY_OUTCOMES } from "../../src/domain/deployOutcomeKind.js";
import { deployOutcome, isSuccessfulOutcome, settleOutcome } from "../../src/policies/deployOutcome.js";

describe("deployOutcome", () => {
  it("builds an outcome and insists on a reason", () => {
    expect(deployOutcome("Canceled", "canceled by operator")).toEqual({ outcome: "Canceled", reason: "canceled by operator" });
    expect(() => deployOutcome("Failed", "  ")).toThrow(/reason/);
  });

  it("lists the six outcomes and only Succeeded is a success", () => {
    expect(DEPLOY_OUTCOMES).toEqual(["Succeeded", "Failed", "RolledBack", "Canceled", "Superseded", "Quarantined"]);
    expect(DEPLOY_OUTCOMES.filter(isSuccessfulOutcome)).toEqual(["Succeeded"]);
  });
});

describe("settleOutcome", () => {
  it("succeeds when the new revision verified, noting a restart", () => {
    expect(settleOutcome({ newRevisionVerified: true })).toEqual({ outcome: "Succeeded", reason: "the new revision passed verification" });
    expect(settleOutcome({ newRevisionVerified: true, restarted: true }).reason).toMatch(/after a restart/);
  });

  it("reports RolledBack only when the rollback verified", () => {
    expect(settleOutcome({ newRevisionVerified: false, rolledBack: true, rollbackVerified: true, failureReason: "unhealthy" })).toEqual({
      outcome: "RolledBack",
      reason: "unhealthy; rolled back to the previous revision",
    });
    expect(settleOutcome({ newRevisionVerified: false, rolledBack: true, rollbackVerified: false, failureReason: "unhealthy" })).toEqual({
      outcome: "Failed",
      reason: "unhealthy; the rollback did not pass verification either",
    });
  });

  it("fails with the verification reason when nothing was rolled back", () => {
    expect(settleOutcome({ newRevisionVerified: false, restarted: true, failureReason: "deadline passed" })).toEqual({ outcome: "Failed", reason: "deadline passed" });
    expect(settleOutcome({ newRevisionVerified: false }).reason).toBe("the new revision failed verification");
  });
});
