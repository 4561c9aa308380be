/**
 * `GET /api/health` (anonymous): the version, whether the settings and the targets configuration
 * are valid, and whether this instance talks to the sandbox or to Azure. Invalid settings or targets
 * answer 503 with every problem listed (settings first, then targets), each with its JSON pointer.
 */
import { app, type HttpResponseInit } from "@azure/functions";
import { currentSettings } from "../config/settings.js";
import { currentTargets } from "../config/targets.js";
import { PRODUCT_VERSION } from "../config/version.js";
import type { HealthResource } from "./http/apiTypes.js";

/** Builds the health document and its status code. */
export function healthResponse(): HttpResponseInit {
  const settings = currentSettings();
  const targets = currentTargets();
  const errors = [...(settings.ok ? [] : settings.issues), ...(targets.ok ? [] : targets.issues)];
  const valid = errors.length === 0;
  const body: HealthResource = {
    status: valid ? "healthy" : "unhealthy",
    version: PRODUCT_VERSION,
    mode: settings.ok ? settings.settings.mode : process.env.ACA_ROLLOUT_MODE === "azure" ? "azure" : "sandbox",
    configuration: { valid, errors: errors.map((issue) => ({ path: issue.path, message: issue.message })) },
  };
  return { status: valid ? 200 : 503, jsonBody: body };
}

app.http("health", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "health",
  handler: async () => healthResponse(),
});
