/**
 * Registers `POST /api/uploads` (function key): an upload slot for a build context on the target's
 * ACR registry, for `aca-rollout deploy` and anything else that uploads a context before a deploy.
 * The handler (./http/createUpload.ts) is imported on the first request.
 */
import { app } from "@azure/functions";
import { lazyHandler } from "./registration/lazy.js";

app.http("createUpload", { methods: ["POST"], authLevel: "function", route: "uploads", handler: lazyHandler(async () => (await import("./http/createUpload.js")).createUpload) });
