/**
 * `/health` and `/openapi.json` (anonymous), and `/health/details` (function key).
 */
import { json, ref, schemaRef } from "./refs.js";
import type { PathsObject } from "./types.js";

export const systemPaths: PathsObject = {
  "/health": {
    get: {
      operationId: "getHealth",
      tags: ["system"],
      summary: "Version, mode and settings validity",
      description: "Anonymous: each problem is named by its JSON pointer only, since messages can quote setting values. GET /health/details (function key) adds the messages.",
      security: [],
      responses: {
        "200": { description: "Healthy (there may be warnings).", content: json(schemaRef("HealthResource")) },
        "503": { description: "The settings or the targets are invalid; every problem is listed by its pointer.", content: json(schemaRef("HealthResource")) },
      },
    },
  },
  "/health/details": {
    get: {
      operationId: "getHealthDetails",
      tags: ["system"],
      summary: "Health with every problem's message",
      responses: {
        "200": { description: "Healthy (there may be warnings).", content: json(schemaRef("HealthDetails")) },
        "401": ref("responses", "Unauthorized"),
        "503": { description: "The settings or the targets are invalid; every problem is listed with its message.", content: json(schemaRef("HealthDetails")) },
      },
    },
  },
  "/openapi.json": {
    get: {
      operationId: "getOpenApiDocument",
      tags: ["system"],
      summary: "This document",
      security: [],
      responses: {
        "200": {
          description: "The OpenAPI 3.1 document.",
          content: json({
            type: "object",
            required: ["openapi", "info", "paths"],
            properties: { openapi: { type: "string", pattern: "^3\\.1\\." }, info: { type: "object" }, paths: { type: "object" } },
          }),
        },
      },
    },
  },
};
