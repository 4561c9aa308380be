import { describe, expect, it } from "vitest";
import type { TimelineStep } from "../../src/domain/timeline.js";
import { CALL_FAULTED, faultFailure } from "../../src/orchestrations/calls.js";
import { inRunOrder } from "../../src/orchestrations/deployProgress.js";

describe("faultFailure", () => {
  it("keeps the status, ARM code and correlation id an activity's transient error names", () => {
    const error = new Error(
      "AzureCallError: read revision web--abc failed, retryable (status 503, code ServiceUnavailable, correlation id 0f8fad5b-d9cb-469f-a165-70867728950e): Service Unavailable",
    );
    expect(faultFailure(error, "activity readRevision")).toEqual({
      code: "ServiceUnavailable",
      statusCode: 503,
      correlationId: "0f8fad5b-d9cb-469f-a165-70867728950e",
      message: `activity readRevision kept failing: ${error.message}`,
    });
  });

  it("says it faulted when the error names no ARM code", () => {
    expect(faultFailure(new Error("socket hang up"), "sub-orchestration verifyRevision (d-verify)")).toEqual({
      code: CALL_FAULTED,
      message: "sub-orchestration verifyRevision (d-verify) kept failing: socket hang up",
    });
  });
});

describe("inRunOrder", () => {
  const step = (name: string, status: TimelineStep["status"]): TimelineStep => ({ name, status });
  it("lists steps in the order they began, then those to come, then the skipped ones", () => {
    const planned = [step("build", "skipped"), step("verify", "failed"), step("rollback", "running"), step("verify-rollback", "pending"), step("quarantine", "succeeded")];
    expect(inRunOrder(planned, ["verify", "quarantine", "rollback"]).map((s) => s.name)).toEqual(["verify", "quarantine", "rollback", "verify-rollback", "build"]);
  });
});
