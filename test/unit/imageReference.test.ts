import { describe, expect, it } from "vitest";
import {
  InvalidImageReferenceError,
  digestProblem,
  formatByDigest,
  formatByTag,
  formatImageReference,
  parseImageReference,
  registryHostProblem,
  repositoryProblem,
  tagProblem,
} from "../../src/domain/imageReference.js";

const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("parseImageReference", () => {
  it.each([
    ["myregistry.azurecr.io/api:1.0", { registry: "myregistry.azurecr.io", repository: "api", tag: "1.0" }],
    ["myregistry.azurecr.io/team/api", { registry: "myregistry.azurecr.io", repository: "team/api" }],
    [`myregistry.azurecr.io/team/api@${DIGEST}`, { registry: "myregistry.azurecr.io", repository: "team/api", digest: DIGEST }],
    [`localhost:5000/a/b/c:tag_1@${DIGEST}`, { registry: "localhost:5000", repository: "a/b/c", tag: "tag_1", digest: DIGEST }],
    ["localhost/app", { registry: "localhost", repository: "app" }],
    ["127.0.0.1:443/x__y.z-w---v:V1.-_", { registry: "127.0.0.1:443", repository: "x__y.z-w---v", tag: "V1.-_" }],
  ])("parses %s", (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected);
  });

  it.each([
    ["", /empty/],
    [" r.io/a", /whitespace/],
    ["api:1.0", /no registry host/],
    ["library/api:1.0", /"library" is not a registry host/],
    ["r.io/API", /"API" must be lowercase/],
    ["r.io/a//b", /empty path component/],
    ["r.io/a/", /empty path component/],
    ["r.io/a._b", /"a._b"/],
    ["r.io/-a", /"-a"/],
    ["r.io/a:", /tag is empty/],
    ["r.io/a:.x", /not starting with '.'/],
    [`r.io/a:${"t".repeat(129)}`, /longer than 128/],
    ["r.io/a@sha256:ABC", /64 lowercase hex/],
    [`r.io/a@sha512:${"a".repeat(128)}`, /"sha256:"/],
    ["r.io:99999/a", /port "99999"/],
    ["r.io:/a", /port ""/],
    ["-r.io/a", /not a host name/],
    [`r.io/${"a".repeat(256)}`, /longer than 255/],
    [`r.io/${"a".repeat(252)}`, /together are longer than 255/],
  ])("rejects %j", (text, problem) => {
    expect(() => parseImageReference(text)).toThrow(InvalidImageReferenceError);
    expect(() => parseImageReference(text)).toThrow(problem);
  });

  it("round-trips through formatImageReference", () => {
    for (const text of ["r.azurecr.io/a/b:c", `r.azurecr.io/a@${DIGEST}`, `localhost:5000/a:b@${DIGEST}`]) {
      expect(formatImageReference(parseImageReference(text))).toBe(text);
    }
  });
});

describe("format helpers", () => {
  it("formats by digest and by tag", () => {
    expect(formatByDigest("r.azurecr.io", "team/api", DIGEST)).toBe(`r.azurecr.io/team/api@${DIGEST}`);
    expect(formatByTag("r.azurecr.io", "team/api", "v2")).toBe("r.azurecr.io/team/api:v2");
  });

  it("refuses to format invalid parts, naming the problem", () => {
    expect(() => formatByDigest("r.azurecr.io", "team/api", "sha256:xyz")).toThrow(/64 lowercase hex/);
    expect(() => formatByDigest("r.azurecr.io", "Team/api", DIGEST)).toThrow(/"Team"/);
    expect(() => formatByDigest("bad host", "api", DIGEST)).toThrow(/not a host name/);
    expect(() => formatByTag("r.azurecr.io", "api", "a b")).toThrow(/tag "a b"/);
    expect(() => formatByTag("r.azurecr.io", "a".repeat(250), "x")).toThrow(/together are longer than 255/);
  });
});

describe("validators", () => {
  it("accept valid parts", () => {
    expect(registryHostProblem("myregistry.azurecr.io")).toBeUndefined();
    expect(registryHostProblem("host-1.example:65535")).toBeUndefined();
    expect(repositoryProblem("a/b-c/d__e/f.g")).toBeUndefined();
    expect(tagProblem("_")).toBeUndefined();
    expect(tagProblem("a".repeat(128))).toBeUndefined();
    expect(digestProblem(DIGEST)).toBeUndefined();
  });

  it("reject invalid parts", () => {
    expect(registryHostProblem("")).toMatch(/empty/);
    expect(registryHostProblem("a..b")).toMatch(/not a host name/);
    expect(registryHostProblem("a.b:0")).toMatch(/port/);
    expect(repositoryProblem("")).toMatch(/empty/);
    expect(repositoryProblem("a_-b")).toMatch(/"a_-b"/);
    expect(repositoryProblem("a___b")).toMatch(/"a___b"/);
    expect(tagProblem("")).toMatch(/empty/);
    expect(tagProblem("-x")).toMatch(/not starting/);
    expect(digestProblem(`sha256:${"a".repeat(63)}`)).toMatch(/64/);
  });
});
