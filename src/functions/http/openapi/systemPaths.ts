/**
 * `/health` and `/openapi.json`: anonymous.
 */
import { json, schemaRef } from "./refs.js";
import type { PathsObject } from "./types.js";

export const systemPaths: PathsObject = {
  "/health": {
    get: {
      operationId: "getHealth",
      tags: ["system"],
      summary: "Version, mode and settings validity",
      security: [],
      responses: {
        "200": { description: "Healthy.", content: json(schemaRef("HealthResource")) },
        "503": { description: "The settings are invalid; every problem is listed.", content: json(schemaRef("HealthResource")) },
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
