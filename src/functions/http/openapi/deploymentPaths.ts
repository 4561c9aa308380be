/**
 * `/deployments`: start, list, get and cancel deployments.
 */
import { TARGET_NAME_PATTERN } from "../../../domain/deployment.js";
import { json, problem, ref, schemaRef } from "./refs.js";
import type { PathsObject } from "./types.js";

/** Request examples: a tag, a digest, and builds (the README's, and a whole build where a target allows one). */
export const DEPLOYMENT_REQUEST_EXAMPLES: Record<string, { summary: string; value: unknown }> = {
  tag: { summary: "Deploy a tag", value: { target: "demo-single", tag: "v2" } },
  digest: { summary: "Deploy a digest", value: { target: "demo-single", digest: `sha256:${"0".repeat(64)}` } },
  build: {
    summary: "Build with the target's build, adding a build arg, then deploy the pushed tag",
    value: { target: "demo-build", tag: "v3", build: { buildArgs: [{ name: "NODE_ENV", value: "production" }] } },
  },
  wholeBuild: {
    summary: 'A whole build from the request (the target\'s allowOverrides contains "build")',
    value: {
      target: "demo-single",
      tag: "v4",
      build: {
        registry: { resourceGroup: "rg-demo", name: "demoacr" },
        source: { kind: "git", url: "https://github.com/Azure-Samples/containerapps-albumapi-javascript.git", ref: "main" },
        dockerfile: "Dockerfile",
        platform: "linux/amd64",
        timeoutSeconds: 1800,
        cache: true,
      },
      policy: { verifyTimeoutSeconds: 300, onFailure: "rollback" },
    },
  },
};

export const deploymentPaths: PathsObject = {
  "/deployments": {
    post: {
      operationId: "startDeployment",
      tags: ["deployments"],
      summary: "Start a deployment",
      description: "Validates the request against the target, then starts the deploy workflow. Poll the Location for its progress.",
      parameters: [
        {
          name: "Idempotency-Key",
          in: "header",
          description:
            "Makes the request safe to retry: the same key and request get the first answer; the same key with another request (another target included: a key names one deployment in the whole collection) is a 409.",
          schema: { type: "string", pattern: "^[ -~]{1,128}$" },
        },
      ],
      requestBody: {
        required: true,
        content: { "application/json": { schema: schemaRef("DeploymentRequest"), examples: DEPLOYMENT_REQUEST_EXAMPLES } },
      },
      responses: {
        "202": {
          description: "Accepted: the deployment runs in the background.",
          headers: { Location: ref("headers", "Location"), "Retry-After": ref("headers", "RetryAfter") },
          content: json(schemaRef("DeploymentAccepted")),
        },
        "400": ref("responses", "InvalidBody"),
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "403": problem(403, "The request names a registry or scope outside the configured allow list.", ["forbiddenTarget"]),
        "404": problem(404, "The target does not exist.", ["notFound"]),
        "409": problem(
          409,
          "The Idempotency-Key was used for a different request (`idempotency-key-reused`), or the requested digest is quarantined for the target's app " +
            "(`digest-quarantined`: `errors` points at `/digest`, `quarantine` names the deploy that quarantined it and the DELETE that lifts it). Nothing was started.",
          ["idempotencyKeyReused", "digestQuarantined"],
        ),
        "413": ref("responses", "PayloadTooLarge"),
        "415": ref("responses", "UnsupportedMediaType"),
        "503": ref("responses", "ConfigurationInvalid"),
      },
    },
    get: {
      operationId: "listDeployments",
      tags: ["deployments"],
      summary: "List deployments, newest first",
      parameters: [
        { name: "target", in: "query", description: "Only this target's deployments.", schema: { type: "string", pattern: TARGET_NAME_PATTERN.source } },
        { name: "status", in: "query", description: "Only deployments in this status.", schema: schemaRef("DeploymentStatus") },
        { name: "top", in: "query", description: "Page size.", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
        { name: "continuationToken", in: "query", description: "From the previous page.", schema: { type: "string" } },
      ],
      responses: {
        "200": { description: "A page of deployments.", content: json(schemaRef("DeploymentPage")) },
        "400": problem(400, "A query parameter is invalid or unknown; `errors` points at each (`/query/<name>`).", ["validation"]),
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
      },
    },
  },
  "/deployments/{id}": {
    parameters: [ref("parameters", "DeploymentId")],
    get: {
      operationId: "getDeployment",
      tags: ["deployments"],
      summary: "A deployment and its step timeline",
      responses: {
        "200": { description: "The deployment.", content: json(schemaRef("DeploymentResource")) },
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "404": ref("responses", "NotFound"),
      },
    },
  },
  "/deployments/{id}/cancel": {
    parameters: [ref("parameters", "DeploymentId")],
    post: {
      operationId: "cancelDeployment",
      tags: ["deployments"],
      summary: "Cancel a running deployment",
      description: "Stops the deploy, cancels an in-flight build and restores the last known good revision if it had already been replaced. It ends as Canceled.",
      requestBody: { required: false, description: "None, or an empty JSON object.", content: json({ type: "object", maxProperties: 0 }) },
      responses: {
        "202": {
          description: "Cancellation requested; poll the Location until the status is Canceled (or another final status if the deploy ended first).",
          headers: { Location: ref("headers", "Location"), "Retry-After": ref("headers", "RetryAfter") },
          content: json(schemaRef("DeploymentAccepted")),
        },
        "400": ref("responses", "InvalidBody"),
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "404": ref("responses", "NotFound"),
        "409": problem(409, "The deployment has already finished.", ["conflict"]),
        "413": ref("responses", "PayloadTooLarge"),
        "415": ref("responses", "UnsupportedMediaType"),
      },
    },
  },
};
