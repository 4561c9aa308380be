/**
 * Registers `POST /api/uploads` (function key): an upload slot for a build context on the target's
 * ACR registry, for `aca-rollout deploy` and anything else that uploads a context before a deploy.
 */
import { app } from "@azure/functions";
import { createUpload } from "./http/createUpload.js";

app.http("createUpload", { methods: ["POST"], authLevel: "function", route: "uploads", handler: createUpload });
