import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { AcrTokens, grantsAccess, parseScopes } from "../../../src/sandbox/providers/acrDataPlane/acrTokens.js";

describe("ACR tokens", () => {
  const clock = new VirtualClock("2026-01-01T00:00:00.000Z");
  let id = 0;
  const tokens = new AcrTokens(clock, () => `id-${++id}`);

  it("issues JWT refresh tokens whose exp the SDK can read (seconds, 3 hours out)", () => {
    const token = tokens.issueRefreshToken("demo.azurecr.io", "aad:x");
    const payload = JSON.parse(Buffer.from(token.split(".")[1]!, "base64").toString()) as { exp: number; aud: string; grant_type: string };
    expect(payload.exp).toBe(Date.parse("2026-01-01T03:00:00.000Z") / 1000);
    expect(payload.aud).toBe("demo.azurecr.io");
    expect(payload.grant_type).toBe("refresh_token");
  });

  it("verifies signature, kind, audience and expiry", async () => {
    const access = tokens.issueAccessToken("demo.azurecr.io", "aad:x", parseScopes("repository:team/app:pull"));
    expect(tokens.verify(access, { service: "demo.azurecr.io", grantType: "access_token" }).ok).toBe(true);
    expect(tokens.verify(access, { service: "other.azurecr.io", grantType: "access_token" })).toEqual({ ok: false, reason: "token issued for another registry" });
    expect(tokens.verify(access, { service: "demo.azurecr.io", grantType: "refresh_token" }).ok).toBe(false);
    const [header, payload, signature] = access.split(".");
    const widened = { ...(JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>), access: parseScopes("repository:team/app:delete") };
    const forged = `${header}.${Buffer.from(JSON.stringify(widened)).toString("base64url")}.${signature}`;
    expect(tokens.verify(forged, { service: "demo.azurecr.io", grantType: "access_token" }).ok).toBe(false);
    expect(new AcrTokens(clock, () => "x").verify(access, { service: "demo.azurecr.io", grantType: "access_token" })).toEqual({ ok: false, reason: "invalid signature" });
    await clock.advance(75 * 60 * 1000);
    expect(tokens.verify(access, { service: "demo.azurecr.io", grantType: "access_token" })).toEqual({ ok: false, reason: "token expired" });
  });

  it("parses scopes and grants exactly the requested actions", () => {
    const entries = parseScopes("repository:team/app:pull,push registry:catalog:* bogus repository:x");
    expect(entries).toEqual([
      { type: "repository", name: "team/app", actions: ["pull", "push"] },
      { type: "registry", name: "catalog", actions: ["*"] },
    ]);
    const claims = { iss: "", aud: "a", sub: "", jti: "", iat: 0, nbf: 0, exp: 0, grant_type: "access_token" as const, access: entries };
    expect(grantsAccess(claims, "repository", "team/app", "push")).toBe(true);
    expect(grantsAccess(claims, "repository", "team/app", "delete")).toBe(false);
    expect(grantsAccess(claims, "repository", "team/other", "pull")).toBe(false);
    expect(grantsAccess(claims, "registry", "catalog", "*")).toBe(true);
  });
});
