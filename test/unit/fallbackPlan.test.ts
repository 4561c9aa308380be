import { describe, expect, it } from "vitest";
import { nextFallbackStep } from "../../src/policies/fallbackPlan.js";

describe("nextFallbackStep", () => {
  it("restart-then-rollback: restart, then rollback, then give up", () => {
    expect(nextFallbackStep("restart-then-rollback").step).toBe("restart");
    expect(nextFallbackStep("restart-then-rollback", { restarted: true })).toEqual({ step: "rollback", reason: "restart did not help; rolling back" });
    expect(nextFallbackStep("restart-then-rollback", { restarted: true, rolledBack: true }).step).toBe("give-up");
  });

  it("restart-then-rollback: gives up after a restart when there is nothing to roll back to", () => {
    expect(nextFallbackStep("restart-then-rollback", { restarted: true, canRollBack: false })).toEqual({ step: "give-up", reason: "no previous revision to roll back to" });
    // Still restarts first on a first deploy.
    expect(nextFallbackStep("restart-then-rollback", { canRollBack: false }).step).toBe("restart");
  });

  it("restart: once, then give up", () => {
    expect(nextFallbackStep("restart").step).toBe("restart");
    expect(nextFallbackStep("restart", { restarted: true })).toEqual({ step: "give-up", reason: "already restarted once" });
  });

  it("rollback: once, only when possible", () => {
    expect(nextFallbackStep("rollback")).toEqual({ step: "rollback", reason: "rolling back to the previous revision" });
    expect(nextFallbackStep("rollback", { rolledBack: true }).step).toBe("give-up");
    expect(nextFallbackStep("rollback", { canRollBack: false }).step).toBe("give-up");
  });

  it("none: always gives up", () => {
    expect(nextFallbackStep("none")).toEqual({ step: "give-up", reason: "onFailure is none" });
    expect(nextFallbackStep("none", { restarted: false, rolledBack: false }).step).toBe("give-up");
  });

  it("never repeats a remedy that was already tried", () => {
    for (const policy of ["restart-then-rollback", "restart", "rollback", "none"] as const) {
      for (const restarted of [false, true]) {
        for (const rolledBack of [false, true]) {
          const { step } = nextFallbackStep(policy, { restarted, rolledBack });
          if (restarted) expect(step).not.toBe("restart");
          if (rolledBack) expect(step).not.toBe("rollback");
        }
      }
    }
  });
});
