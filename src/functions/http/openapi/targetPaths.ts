/**
 * `/targets`: the configured targets, their state, lifting a quarantine, and freeing a stuck app.
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
  "/targets/{name}/lock": {
    parameters: [ref("parameters", "TargetName")],
    delete: {
      operationId: "releaseTargetLock",
      tags: ["targets"],
      summary: "Free an app held by a deploy that will never release it",
      description:
        "Releases the deploy holding the target's app (as `lock.holder` shows it) and records the time, the holder and the reason in the target's `history`. " +
        "The newest waiting deploy, if any, gets the app and starts at its next queue check; the others end Superseded. " +
        "Deploys normally release the app themselves, and a waiting deploy frees an app whose holder has ended on its own; this is for what remains.",
      requestBody: {
        required: true,
        content: json({
          type: "object",
          additionalProperties: false,
          required: ["reason"],
          properties: { reason: { type: "string", minLength: 1, maxLength: 500, description: "Why the app is freed by hand; kept in the target's history." } },
        }),
      },
      responses: {
        "204": { description: "Released; the entity applies it within a second or so." },
        "400": ref("responses", "InvalidBody"),
        "401": ref("responses", "Unauthorized"),
        "404": problem(404, "No such target.", ["notFound"]),
        "409": problem(409, "The app is not held by any deploy.", ["conflict"]),
        "413": ref("responses", "PayloadTooLarge"),
        "415": ref("responses", "UnsupportedMediaType"),
        "500": ref("responses", "InternalError"),
        "503": ref("responses", "ConfigurationInvalid"),
      },
    },
  },
};
