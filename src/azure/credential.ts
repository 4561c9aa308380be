/**
 * The credential the SDK clients use: `DefaultAzureCredential` against Azure, and a fixed bearer token
 * against the sandbox (which checks that a token is present, as ARM does, but not what it says).
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import type { RuntimeMode } from "../config/settings.js";
import { identity } from "./sdk.js";

/** A credential that always returns the same token; used only in sandbox mode. */
export class SandboxTokenCredential implements TokenCredential {
  async getToken(): Promise<AccessToken> {
    return { token: "sandbox-token", expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
  }
}

let defaultCredential: TokenCredential | undefined;

/** The credential for the given mode; the Azure one is created once per process. */
export function credentialFor(mode: RuntimeMode): TokenCredential {
  if (mode === "sandbox") return new SandboxTokenCredential();
  defaultCredential ??= new (identity().DefaultAzureCredential)();
  return defaultCredential;
}
