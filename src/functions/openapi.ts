/**
 * `GET /api/openapi.json` (anonymous): the OpenAPI 3.1 description of the HTTP API, built once, on
 * the first request (./http/openapi/response.ts).
 */
import { app } from "@azure/functions";
import { lazyHandler } from "./registration/lazy.js";

app.http("openapi", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "openapi.json",
  handler: lazyHandler(async () => (await import("./http/openapi/response.js")).openApiResponse),
});
