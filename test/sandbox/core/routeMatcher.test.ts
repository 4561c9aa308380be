import { describe, expect, it } from "vitest";
import { RouteMatcher } from "../../../src/sandbox/kernel/routeMatcher.js";

describe("RouteMatcher", () => {
  const matcher = new RouteMatcher<string>();
  matcher.add("/subscriptions/{sub}/providers/Microsoft.X/things/{name}/{child}", "generic");
  matcher.add("/subscriptions/{sub}/providers/Microsoft.X/things/{name}/start", "start");
  matcher.add("/blobs/{container}/{*blob}", "blob");

  it("captures parameters, decoded, with literals compared case-insensitively", () => {
    expect(matcher.matchAll("/SUBSCRIPTIONS/s1/providers/microsoft.x/THINGS/a%20b/stop")).toEqual([{ value: "generic", params: { sub: "s1", name: "a b", child: "stop" } }]);
  });

  it("prefers the template with more literal segments", () => {
    expect(matcher.matchAll("/subscriptions/s1/providers/Microsoft.X/things/t/start").map((m) => m.value)).toEqual(["start", "generic"]);
  });

  it("captures the rest of the path with {*name} and needs at least one segment for it", () => {
    expect(matcher.matchAll("/blobs/c/source/2026/x.tar.gz")[0]?.params).toEqual({ container: "c", blob: "source/2026/x.tar.gz" });
    expect(matcher.matchAll("/blobs/c")).toEqual([]);
  });

  it("does not match shorter or longer paths", () => {
    expect(matcher.matchAll("/subscriptions/s1/providers/Microsoft.X/things/t")).toEqual([]);
    expect(matcher.matchAll("/subscriptions/s1/providers/Microsoft.X/things/t/start/now")).toEqual([]);
  });
});
