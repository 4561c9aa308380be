import { describe, expect, it } from "vitest";
import { inWebhookScope } from "../../../src/sandbox/providers/containerRegistry/webhookScope.js";

describe("ACR webhook scope", () => {
  it.each([
    // scope, repository, tag, in scope
    [undefined, "team/web", "v1", true],
    ["", "team/web", undefined, true],
    ["team/web:*", "team/web", "v1", true],
    ["team/web:*", "team/web", undefined, true],
    ["team/web:*", "team/api", "v1", false],
    ["team/web:v1", "team/web", "v1", true],
    ["team/web:v1", "team/web", "v2", false],
    ["team/web", "team/web", "latest", true],
    ["team/web", "team/web", "v1", false],
    ["team/web:v*", "team/web", "v1.2", true],
    ["team/web:v*", "team/web", "release", false],
    ["team/web:v1", "team/web", undefined, false],
    ["team/*:*", "team/web", "x", true],
    ["team/*:*", "other/web", "x", false],
    ["*:*-rc*", "a/b", "1.0-rc2", true],
    ["*:*-rc*", "a/b", "1.0", false],
    ["a*a*a*a*a*b:*", "a".repeat(5000), "x", false],
  ])("scope %j, %s:%s -> %s", (scope, repository, tag, expected) => {
    expect(inWebhookScope(scope, repository, tag)).toBe(expected);
  });
});
