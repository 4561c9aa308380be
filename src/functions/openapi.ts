/**
 * `GET /api/openapi.json` (anonymous): the OpenAPI 3.1 description of the HTTP API. Built once at
 * start-up: it depends only on code and the product version.
 */
import { app, type HttpResponseInit } from "@azure/functions";
import { buildOpenApiDocument } from "./http/openapi/document.js";

const DOCUMENT_JSON = JSON.stringify(buildOpenApiDocument());

/** The response carrying the document. */
export function openApiResponse(): HttpResponseInit {
  return { status: 200, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=300" }, body: DOCUMENT_JSON };
}

app.http("openapi", {
  methods: ["GET"],
  authLevel: "anonymous",
  route: "openapi.json",
  handler: async () => openApiResponse(),
});
