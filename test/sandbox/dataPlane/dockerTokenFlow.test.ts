/**
 * Issue 9 §4: the token flow docker, skopeo and oras follow against ACR, over HTTPS: a 401 challenge
 * names the realm, service and scope; `GET <realm>?service=…&scope=…` with basic auth (the null GUID
 * and an ACR refresh token, as `az acr login --expose-token` hands out) answers an access token, with
 * which the manifest is read. Wrong or missing credentials are refused with ACR's 401.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxRequest } from "../core/sandboxHttp.js";
import { startDataPlane, type DataPlaneHarness } from "./harness.js";

const SERVER = "flowacr.azurecr.io";
const NULL_GUID = "00000000-0000-0000-0000-000000000000";

let plane: DataPlaneHarness;
let digest: string;

beforeAll(async () => {
  plane = await startDataPlane("memory");
  digest = await plane.provider.seedImage(SERVER, "team/web", "v1");
});
afterAll(async () => {
  await plane.stop();
});

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const path = (url: string): string => new URL(url).pathname + new URL(url).search;

/** What `az acr login --expose-token` does: AAD token → ACR refresh token. */
async function refreshToken(): Promise<string> {
  const form = new URLSearchParams({ grant_type: "access_token", service: SERVER, access_token: "aad-token" }).toString();
  const reply = await sandboxRequest(plane, "POST", path(`${plane.endpoint(SERVER)}/oauth2/exchange`), {
    bearer: false,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
  expect(reply.status).toBe(200);
  return (reply.json as { refresh_token: string }).refresh_token;
}

describe("GET /oauth2/token with basic auth", () => {
  it("follows the challenge to a token and reads the manifest with it", async () => {
    const manifest = path(`${plane.endpoint(SERVER)}/v2/team/web/manifests/v1`);
    const accept = { accept: "application/vnd.oci.image.manifest.v1+json" };
    const challenged = await sandboxRequest(plane, "GET", manifest, { bearer: false, headers: accept });
    expect(challenged.status).toBe(401);
    const challenge = String(challenged.headers["www-authenticate"]);
    const realm = /realm="([^"]+)"/.exec(challenge)?.[1] ?? "";
    const service = /service="([^"]+)"/.exec(challenge)?.[1] ?? "";
    const scope = /scope="([^"]+)"/.exec(challenge)?.[1] ?? "";
    expect({ service, scope }).toEqual({ service: SERVER, scope: "repository:team/web:pull" });

    const token = await sandboxRequest(plane, "GET", `${path(realm)}?${new URLSearchParams({ service, scope }).toString()}`, {
      bearer: false,
      headers: { authorization: basic(NULL_GUID, await refreshToken()) },
    });
    expect(token.status).toBe(200);
    const accessToken = (token.json as { access_token: string }).access_token;

    const read = await sandboxRequest(plane, "GET", manifest, { bearer: false, headers: { ...accept, authorization: `Bearer ${accessToken}` } });
    expect(read.status).toBe(200);
    expect(read.headers["docker-content-digest"]).toBe(digest);
  });

  it("refuses a wrong password, another user and no credentials with ACR's 401", async () => {
    const url = `${path(`${plane.endpoint(SERVER)}/oauth2/token`)}?service=${SERVER}&scope=repository:team/web:pull`;
    for (const authorization of [basic(NULL_GUID, "not-a-token"), basic("admin", await refreshToken()), undefined]) {
      const reply = await sandboxRequest(plane, "GET", url, { bearer: false, ...(authorization ? { headers: { authorization } } : {}) });
      expect(reply.status).toBe(401);
      expect(reply.json).toMatchObject({ errors: [{ code: "UNAUTHORIZED" }] });
    }
  });
});
