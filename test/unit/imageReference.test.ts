import { describe, expect, it } from "vitest";
import {
  digestProblem,
  formatByDigest,
  registryHostProblem,
  repositoryProblem,
  tagProblem,
} from "../../src/domain/imageReference.js";

const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("format helpers", () => {
  it("formats by digest", () => {
    expect(formatByDigest("r.azurecr.io", "team/api", DIGEST)).toBe(`r.azurecr.io/team/api@${DIGEST}`);
  });

  it("refuses to format invalid parts, naming the problem", () => {
    expect(() => formatByDigest("r.azurecr.io", "team/api", "sha256:xyz")).toThrow(/64 lowercase hex/);
    expect(() => formatByDigest("r.azurecr.io", "Team/api", DIGEST)).toThrow(/"Team"/);
    expect(() => formatByDigest("bad host", "api", DIGEST)).toThrow(/not a host name/);
    expect(() => formatByDigest("r.azurecr.io", "a".repeat(250), DIGEST)).toThrow(/together are longer than 255/);
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
