/**
 * `GET /api/health` (anonymous): the version, whether the settings are valid, and whether this
 * instance talks to the sandbox or to Azure. Invalid settings answer 503 with every problem listed.
 */
import { app, type HttpResponseInit } from "@azure/functions";
import { currentSettings } from "../config/settings.js";
import { PRODUCT_VERSION } from "../config/version.js";

/** Builds the health document and its status code. */
export function healthResponse(): HttpResponseInit {
  const settings = currentSettings();
  if (!settings.ok) {
    return {
      status: 503,
      jsonBody: {
        status: "unhealthy",
        version: PRODUCT_VERSION,
        mode: process.env.ACA_ROLLOUT_MODE === "azure" ? "azure" : "sandbox",
        configuration: { valid: false, errors: settings.issues },
      },
    };
  }
  return {
    status: 200,
    jsonBody: {
      status: "healthy",
      version: PRODUCT_VERSION,
      mode: settings.settings.mode,
      configuration: { valid: true, errors: [] },
    },
  };
}

app.http("health", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "health",
  handler: async () => healthResponse(),
});
