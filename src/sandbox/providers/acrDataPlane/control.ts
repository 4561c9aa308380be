/**
 * Scenario control for the ACR data plane, mounted under `/_sandbox/` (no token, not throttled, not in
 * the call log). Errors use the ARM error body `{ "error": { "code", "message" } }`. JSON shapes:
 *
 * POST /_sandbox/registries/images     seed an image (a real OCI image: config blob + small layers)
 *        Body: { "loginServer": "demo.azurecr.io", "repository": "team/app", "tag": "v1",
 *                "nonce"?: "build-42",                      // same inputs + nonce => same digest; fresh id if omitted
 *                "layers"?: [{ "path": "app/version.txt", "content": "1.2.3" }],   // one file per extra layer
 *                "architecture"?: "amd64", "os"?: "linux" }
 *        201 { "loginServer", "repository", "tag", "digest": "sha256:…",
 *              "endpoint": "https://127.0.0.1:<port>/registries/demo.azurecr.io",
 *              "imageReference": "demo.azurecr.io/team/app@sha256:…" }
 *        400 InvalidRequestContent (bad body or names); the registry's refusal keeps its code (e.g. NAME_INVALID).
 * GET  /_sandbox/registries/images?loginServer=&repository=&tag=
 *        200 { "loginServer", "repository", "tag", "digest" }, or 404 NotFound when the tag doesn't resolve.
 * GET  /_sandbox/registries
 *        200 { "backend": "docker-registry" | "memory", "registries": { "<loginServer>": "<data-plane endpoint>" } }
 *        (login servers seen so far; any valid login server works without being declared).
 */
import { z } from "zod";
import { armError, invalidRequestContent, type SandboxReply, type SandboxRoute } from "../../kernel/types.js";
import type { AcrDataPlane } from "./acrDataPlane.js";
import { registryEndpoint } from "./endpoints.js";
import { RegistryPushError } from "./manifestPusher.js";

const seedBody = z.object({
  loginServer: z.string().min(1),
  repository: z.string().min(1),
  tag: z.string().min(1),
  nonce: z.string().min(1).optional(),
  layers: z.array(z.object({ path: z.string().min(1).max(100), content: z.string() })).max(16).optional(),
  architecture: z.string().min(1).optional(),
  os: z.string().min(1).optional(),
});

function controlRoute(method: SandboxRoute["method"], template: string, handler: SandboxRoute["handler"]): SandboxRoute {
  return { method, template, operation: "sandbox/control", plane: "data", kind: "read", handler };
}

function pushFailed(error: unknown): SandboxReply {
  if (error instanceof RegistryPushError) return armError(error.status >= 500 ? 502 : 400, error.code ?? "RegistryPushFailed", error.message);
  return armError(500, "InternalServerError", error instanceof Error ? error.message : String(error));
}

/** The data plane's control routes (templates relative to `/_sandbox`). */
export function dataPlaneControlRoutes(plane: AcrDataPlane): SandboxRoute[] {
  return [
    controlRoute("POST", "/registries/images", async (request) => {
      const parsed = seedBody.safeParse(request.body);
      if (!parsed.success) {
        return invalidRequestContent(parsed.error);
      }
      const { loginServer, repository, tag, ...seed } = parsed.data;
      try {
        const digest = await plane.pushImage(loginServer, repository, tag, undefined, undefined, seed);
        const registry = loginServer.toLowerCase();
        return {
          status: 201,
          body: {
            loginServer: registry,
            repository,
            tag,
            digest,
            endpoint: registryEndpoint(request.origin, registry),
            imageReference: `${registry}/${repository}@${digest}`,
          },
        };
      } catch (error) {
        return pushFailed(error);
      }
    }),
    controlRoute("GET", "/registries/images", async (request) => {
      const loginServer = request.query.get("loginServer") ?? "";
      const repository = request.query.get("repository") ?? "";
      const tag = request.query.get("tag") ?? "";
      if (!loginServer || !repository || !tag) return armError(400, "InvalidRequestContent", "loginServer, repository and tag are required.");
      const digest = await plane.resolveTag(loginServer, repository, tag);
      if (!digest) return armError(404, "NotFound", `${loginServer}/${repository}:${tag} does not resolve.`);
      return { status: 200, body: { loginServer: loginServer.toLowerCase(), repository, tag, digest } };
    }),
    controlRoute("GET", "/registries", (request) => ({
      status: 200,
      body: {
        backend: plane.backend.kind,
        registries: Object.fromEntries(plane.registries().map((server) => [server, registryEndpoint(request.origin, server)])),
      },
    })),
  ];
}
