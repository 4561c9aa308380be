import { describe, expect, it } from "vitest";
import { applyChannelOperation } from "../../../src/entities/channelPace.js";
import { isRetryableAnswer, minSendIntervalMs, NOTIFY_MAX_ATTEMPTS, retryAfterSeconds, retryDelaySeconds } from "../../../src/policies/notificationRetry.js";
import { networkError, scrub } from "../../../src/activities/notificationTransport.js";

describe("notification retry policy", () => {
  it("doubles from 2 s without Retry-After, honours Retry-After exactly, and stops after the last attempt", () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelaySeconds(attempt))).toEqual([2, 4, 8, 16]);
    expect(retryDelaySeconds(NOTIFY_MAX_ATTEMPTS)).toBeUndefined();
    expect(retryDelaySeconds(1, 2)).toBe(2);
    expect(retryDelaySeconds(1, 0.2)).toBe(1);
    expect(retryDelaySeconds(1, 3600)).toBeUndefined();
  });

  it("retries 408, 425, 429 and 5xx; not other 4xx, nor Slack's permanent errors", () => {
    expect([408, 425, 429, 500, 502, 503].map((status) => isRetryableAnswer("teams", status, ""))).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 410, 413].map((status) => isRetryableAnswer("webhook", status, ""))).toEqual([false, false, false, false, false, false]);
    expect(isRetryableAnswer("slack", 404, "channel_not_found")).toBe(false);
    expect(isRetryableAnswer("slack", 500, "invalid_payload")).toBe(false);
    expect(isRetryableAnswer("slack", 500, "rollup_error")).toBe(true);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-28T09:00:00Z");
    expect(retryAfterSeconds("2", now)).toBe(2);
    expect(retryAfterSeconds("Sat, 28 Nov 2026 09:00:30 GMT", now)).toBe(30);
    expect([retryAfterSeconds(null, now), retryAfterSeconds("soon", now), retryAfterSeconds("-1", now)]).toEqual([undefined, undefined, undefined]);
  });

  it("paces Teams at 4 per second and Slack at 1 per second", () => {
    expect([minSendIntervalMs("teams"), minSendIntervalMs("slack"), minSendIntervalMs("webhook")]).toEqual([250, 1000, 0]);
  });
});

describe("notifyChannel entity (one pace per channel URL, shared by every deploy)", () => {
  it("gives each send the next free slot and holds the channel after a Retry-After", () => {
    const t = (s: number) => new Date(Date.parse("2026-11-28T09:00:00Z") + s * 1000).toISOString();
    let pace = { nextFreeAt: 0 };
    const reserve = (at: string, intervalMs: number): string => {
      const next = applyChannelOperation(pace, "reserve", { at, intervalMs });
      pace = next.pace;
      return next.result!.sendAt;
    };
    expect([reserve(t(0), 1000), reserve(t(0), 1000), reserve(t(0.5), 1000)]).toEqual([t(0), t(1), t(2)]);
    expect(reserve(t(10), 1000)).toBe(t(10));
    pace = applyChannelOperation(pace, "holdUntil", { until: t(30) }).pace;
    expect(reserve(t(12), 1000)).toBe(t(30));
    expect(applyChannelOperation(pace, "unknown", {}).pace).toEqual(pace);
  });
});

describe("transport error texts", () => {
  it("never carry the URL or the secret", () => {
    expect(scrub("bad token https://hooks.slack.com/services/T/B/X for whsec_abcdef", ["whsec_abcdef"])).toBe("bad token <url> for ***");
    expect(scrub("x".repeat(500), []).length).toBe(200);
    const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }) });
    expect(networkError(refused)).toBe("could not reach the receiver (ECONNREFUSED)");
    expect(networkError(new DOMException("The operation was aborted due to timeout", "TimeoutError"))).toBe("no answer within 10 s");
  });
});
