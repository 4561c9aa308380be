/**
 * `GET /api/health` (anonymous) and `GET /api/health/details` (function key): the version, whether
 * the settings and the targets configuration are valid, and whether this instance talks to the
 * sandbox or to Azure. Invalid settings or targets answer 503 with every problem listed (settings
 * first, then targets), each with its JSON pointer; parts of targets that are accepted but not yet
 * supported are listed as warnings and leave the answer 200 (nothing is broken; they are inert).
 *
 * Problem messages can quote setting values, so the anonymous answer names only where each problem
 * is (its pointer); the messages need the function key. An anonymous function cannot check a key
 * (the Functions host does not), hence the second route.
 */
import { app, type HttpResponseInit } from "@azure/functions";
import { currentSettings } from "../config/settings.js";
import { unsupportedFeatureWarnings } from "../config/targetWarnings.js";
import { currentTargets } from "../config/targets.js";
import { PRODUCT_VERSION } from "../config/version.js";
import type { HealthDetails, HealthResource } from "./http/apiTypes.js";

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

app.http("health", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "health",
  handler: async () => healthResponse(),
});

app.http("healthDetails", {
  methods: ["GET"],
  authLevel: "function",
  route: "health/details",
  handler: async () => {
    const { status, body } = healthDetails();
    return { status, jsonBody: body };
  },
});
