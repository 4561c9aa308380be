/**
 * `/targets`: the configured targets, their state, and lifting a quarantine.
 */
import { DIGEST_PATTERN } from "../../../domain/imageReference.js";
import { json, problem, ref, schemaRef } from "./refs.js";
import type { PathsObject } from "./types.js";

export const targetPaths: PathsObject = {
  "/targets": {
    get: {
      operationId: "listTargets",
      tags: ["targets"],
      summary: "Every configured target with its state",
      responses: {
        "200": { description: "The targets.", content: json(schemaRef("TargetList")) },
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "503": ref("responses", "ConfigurationInvalid"),
      },
    },
  },
  "/targets/{name}": {
    parameters: [ref("parameters", "TargetName")],
    get: {
      operationId: "getTarget",
      tags: ["targets"],
      summary: "One target: configuration, last known good, last deployment, quarantine",
      responses: {
        "200": { description: "The target.", content: json(schemaRef("TargetResource")) },
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "404": ref("responses", "NotFound"),
        "503": ref("responses", "ConfigurationInvalid"),
      },
    },
  },
  "/targets/{name}/quarantine/{digest}": {
    parameters: [ref("parameters", "TargetName"), { name: "digest", in: "path", required: true, schema: { type: "string", pattern: DIGEST_PATTERN.source } }],
    delete: {
      operationId: "liftQuarantine",
      tags: ["targets"],
      summary: "Lift a digest's quarantine so it can be deployed again",
      responses: {
        "204": { description: "Lifted." },
        "400": ref("responses", "InvalidRequest"),
        "401": ref("responses", "Unauthorized"),
        "500": ref("responses", "InternalError"),
        "404": problem(404, "No such target, or the digest is not quarantined.", ["notFound"]),
        "503": ref("responses", "ConfigurationInvalid"),
      },
    },
  },
};
