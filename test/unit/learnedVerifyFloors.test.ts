import { describe, expect, it } from "vitest";
import { applyTargetOperation, emptyTargetRecord } from "../../src/entities/targetRecord.js";
import { addVerifyTiming, learnedFloors, MAX_LEARNED_FLOOR_SECONDS, MAX_VERIFY_TIMINGS, verifyTimingOf, type VerifyTiming } from "../../src/policies/learnedVerifyFloors.js";

const at = "2026-03-01T00:00:00.000Z";
const timing = (provisioningSeconds: number, readySeconds: number): VerifyTiming => ({ at, provisioningSeconds, readySeconds });
const s = (seconds: number): number => Date.parse(at) + seconds * 1000;

describe("learnedFloors", () => {
  it("trusts no floor before two measurements, then takes the minimum of the kept ones", () => {
    expect(learnedFloors(undefined)).toBeUndefined();
    expect(learnedFloors([timing(36, 24)])).toBeUndefined();
    expect(learnedFloors([timing(36, 24), timing(48, 20.5)])).toEqual({ provisioningSeconds: 36, readySeconds: 20 });
    expect(learnedFloors([timing(5_000, 5_000), timing(4_000, 4_000)])).toEqual({ provisioningSeconds: MAX_LEARNED_FLOOR_SECONDS, readySeconds: MAX_LEARNED_FLOOR_SECONDS });
  });

  it("keeps the newest few valid measurements", () => {
    let kept: VerifyTiming[] | undefined;
    for (let i = 0; i < MAX_VERIFY_TIMINGS + 3; i++) kept = addVerifyTiming(kept, timing(i, i));
    expect(kept?.map((t) => t.provisioningSeconds)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(addVerifyTiming([], timing(-1, 3))).toEqual([]);
    expect(addVerifyTiming([], timing(Number.NaN, 3))).toEqual([]);
  });
});

describe("verifyTimingOf", () => {
  it("bounds provisioning by the last read that saw it, and provisioned-to-ready by the first read past it and the last pending one", () => {
    // Reads at 12, 24, 36 (provisioning), 48, 52 (starting), 56 ... 72 (settling), 76 (ready).
    expect(verifyTimingOf({ createdAt: s(0), lastProvisioningAt: s(36), firstProvisionedAt: s(48), lastPendingAt: s(72) }, at)).toEqual(timing(36, 24));
    // Ready at the first read past provisioning: nothing beyond 0.
    expect(verifyTimingOf({ createdAt: s(0), lastProvisioningAt: s(36), firstProvisionedAt: s(48), lastPendingAt: s(36) }, at)).toEqual(timing(36, 0));
    expect(verifyTimingOf({ createdAt: s(0), lastProvisioningAt: s(50), firstProvisionedAt: s(48), lastPendingAt: s(60) }, at)).toBeUndefined();
  });

  it("resets the floors when the first read after them already found the revision ready, and otherwise lets them stand", () => {
    const floors = { provisioningSeconds: 36, readySeconds: 24 };
    expect(verifyTimingOf({ createdAt: s(0), firstProvisionedAt: s(64), floors }, at)).toEqual(timing(0, 0));
    expect(verifyTimingOf({ createdAt: s(0), firstProvisionedAt: s(64), lastPendingAt: s(72), floors }, at)).toEqual(timing(36, 24));
    expect(verifyTimingOf({ createdAt: s(0), firstProvisionedAt: s(64), lastPendingAt: s(100), floors }, at)).toEqual(timing(36, 36));
    expect(verifyTimingOf({ createdAt: s(0), firstProvisionedAt: s(64), lastPendingAt: s(72) }, at)).toBeUndefined();
  });
});

describe("deployTarget.recordVerifyTiming", () => {
  it("keeps the app's measurements on its record, and refuses a malformed one", () => {
    let record = emptyTargetRecord();
    record = applyTargetOperation(record, "recordVerifyTiming", timing(36, 24)).record;
    record = applyTargetOperation(record, "recordVerifyTiming", timing(40, 30)).record;
    expect(record.verifyTimings).toEqual([timing(36, 24), timing(40, 30)]);
    expect(learnedFloors(record.verifyTimings)).toEqual({ provisioningSeconds: 36, readySeconds: 24 });
    expect(() => applyTargetOperation(record, "recordVerifyTiming", { at, provisioningSeconds: "36" })).toThrow(/numeric/);
  });
});
