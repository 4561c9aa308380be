/**
 * ACR's token layer: AAD access token → ACR refresh token (`/oauth2/exchange`) → ACR access token for
 * a scope (`/oauth2/token`). Tokens are JWTs signed (HS256) with a per-sandbox secret; they name the
 * registry (`aud` = the challenge's `service`), carry the granted `access` list, and expire on the
 * sandbox clock. `@azure/container-registry` reads the refresh token's `exp` to cache it, so the payload
 * must be a real JWT.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../../../common/clock.js";

/** One granted (or requested) access entry, as in Docker's token spec. */
export interface AccessEntry {
  type: "repository" | "registry";
  name: string;
  actions: string[];
}

/** The claims the sandbox puts in its ACR tokens. */
export interface AcrTokenClaims {
  iss: string;
  /** The registry login server (the `service` of the challenge). */
  aud: string;
  sub: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  grant_type: "refresh_token" | "access_token";
  access?: AccessEntry[];
}

/** Token lifetimes (ms); ACR's refresh tokens last 3 hours and its access tokens 75 minutes. */
export interface AcrTokenLifetimes {
  refreshMs: number;
  accessMs: number;
}

/** Default lifetimes, as ACR issues them. */
export const ACR_TOKEN_LIFETIMES: AcrTokenLifetimes = { refreshMs: 3 * 60 * 60 * 1000, accessMs: 75 * 60 * 1000 };

const ISSUER = "Azure Container Registry (aca-rollout sandbox)";

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString("base64url");
}

/** Parses a token-request scope (`repository:team/app:pull,push registry:catalog:*`, space separated). */
export function parseScopes(scope: string): AccessEntry[] {
  return scope
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((item): AccessEntry[] => {
      const first = item.indexOf(":");
      const last = item.lastIndexOf(":");
      if (first <= 0 || last <= first) return [];
      const type = item.slice(0, first);
      if (type !== "repository" && type !== "registry") return [];
      const actions = item.slice(last + 1).split(",").filter(Boolean);
      return [{ type, name: item.slice(first + 1, last), actions }];
    });
}

/** Whether `claims` grant `action` on the resource (`*` grants every action). */
export function grantsAccess(claims: AcrTokenClaims, type: AccessEntry["type"], name: string, action: string): boolean {
  return (claims.access ?? []).some(
    (entry) => entry.type === type && entry.name === name && (entry.actions.includes(action) || entry.actions.includes("*")),
  );
}

/** Issues and verifies the sandbox's ACR tokens. */
export class AcrTokens {
  private secret: Buffer;

  constructor(
    private readonly clock: Clock,
    private readonly newId: () => string,
    private readonly lifetimes: AcrTokenLifetimes = ACR_TOKEN_LIFETIMES,
    secret: Buffer = randomBytes(32),
  ) {
    this.secret = secret;
  }

  /** The signing key, for a persistent sandbox to save (tokens stay valid across its restarts). */
  get signingKey(): Buffer {
    return this.secret;
  }

  set signingKey(key: Buffer) {
    this.secret = key;
  }

  /** A stable, non-reversible principal id for an AAD token (the token itself is never stored). */
  static principalOf(aadToken: string): string {
    return `aad:${createHash("sha256").update(aadToken).digest("hex").slice(0, 16)}`;
  }

  /** A refresh token for `service`, as `/oauth2/exchange` returns. */
  issueRefreshToken(service: string, subject: string): string {
    return this.sign(this.claims(service, subject, "refresh_token", this.lifetimes.refreshMs));
  }

  /** An access token for `service` granting `access`, as `/oauth2/token` returns. */
  issueAccessToken(service: string, subject: string, access: AccessEntry[]): string {
    return this.sign({ ...this.claims(service, subject, "access_token", this.lifetimes.accessMs), access });
  }

  /** Verifies signature, type, audience and expiry; returns the claims or why the token is refused. */
  verify(token: string, expected: { service: string; grantType: AcrTokenClaims["grant_type"] }): { ok: true; claims: AcrTokenClaims } | { ok: false; reason: string } {
    const parts = token.split(".");
    const [header, payload, signature] = parts;
    if (parts.length !== 3 || !header || !payload || signature === undefined) return { ok: false, reason: "malformed token" };
    const expectedSignature = createHmac("sha256", this.secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, "base64url");
    if (given.length !== expectedSignature.length || !timingSafeEqual(given, expectedSignature)) return { ok: false, reason: "invalid signature" };
    let claims: AcrTokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as AcrTokenClaims;
    } catch {
      return { ok: false, reason: "malformed token" };
    }
    if (claims.grant_type !== expected.grantType) return { ok: false, reason: `not an ${expected.grantType.replace("_", " ")}` };
    if (claims.aud !== expected.service) return { ok: false, reason: "token issued for another registry" };
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    if (claims.exp <= nowSeconds) return { ok: false, reason: "token expired" };
    return { ok: true, claims };
  }

  private claims(service: string, subject: string, grantType: AcrTokenClaims["grant_type"], lifetimeMs: number): AcrTokenClaims {
    const now = Math.floor(this.clock.now() / 1000);
    return {
      iss: ISSUER,
      aud: service,
      sub: subject,
      jti: this.newId(),
      iat: now,
      nbf: now,
      exp: now + Math.floor(lifetimeMs / 1000),
      grant_type: grantType,
    };
  }

  private sign(claims: AcrTokenClaims): string {
    const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const payload = base64url(JSON.stringify(claims));
    const signature = createHmac("sha256", this.secret).update(`${header}.${payload}`).digest("base64url");
    return `${header}.${payload}.${signature}`;
  }
}
