/**
 * The health documents behind `GET /api/health` and `GET /api/health/details` (see ../health.ts):
 * reading them validates the settings and the targets configuration (once, cached in src/config).
 */
import type { HttpResponseInit } from "@azure/functions";
import { currentSettings } from "../../config/settings.js";
import { unsupportedFeatureWarnings } from "../../config/targetWarnings.js";
import { currentTargets } from "../../config/targets.js";
import { PRODUCT_VERSION } from "../../config/version.js";
import type { HealthDetails, HealthResource } from "./apiTypes.js";

/** The full health document (messages included) and its status code. */
export function healthDetails(): { status: number; body: HealthDetails } {
  const settings = currentSettings();
  const targets = currentTargets();
  const errors = [...(settings.ok ? [] : settings.issues), ...(targets.ok ? [] : targets.issues)];
  const warnings = targets.ok ? unsupportedFeatureWarnings(targets.targets, settings.ok ? { webhookSecretSet: settings.settings.autoRollout.webhookSecret !== undefined } : undefined) : [];
  const valid = errors.length === 0;
  const body: HealthDetails = {
    status: valid ? "healthy" : "unhealthy",
    version: PRODUCT_VERSION,
    mode: settings.ok ? settings.settings.mode : process.env.ACA_ROLLOUT_MODE === "azure" ? "azure" : "sandbox",
    configuration: {
      valid,
      errors: errors.map((issue) => ({ path: issue.path, message: issue.message })),
      warnings: warnings.map((issue) => ({ path: issue.path, message: issue.message })),
    },
  };
  return { status: valid ? 200 : 503, body };
}

/** The anonymous health document: the same, with each problem reduced to its pointer. */
export function healthResponse(): HttpResponseInit {
  const { status, body } = healthDetails();
  const anonymous: HealthResource = {
    ...body,
    configuration: {
      valid: body.configuration.valid,
      errors: body.configuration.errors.map(({ path }) => ({ path })),
      warnings: body.configuration.warnings.map(({ path }) => ({ path })),
    },
  };
  return { status, jsonBody: anonymous };
}

/** The full health document as a response (for the function-key route). */
export function healthDetailsResponse(): HttpResponseInit {
  const { status, body } = healthDetails();
  return { status, jsonBody: body };
}
