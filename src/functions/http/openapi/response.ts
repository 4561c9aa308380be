/**
 * The answer of `GET /api/openapi.json` (see ../../openapi.ts). The document depends only on code and
 * the product version, so it is built once, when this module is first imported (the first request).
 */
import type { HttpResponseInit } from "@azure/functions";
import { buildOpenApiDocument } from "./document.js";

const DOCUMENT_JSON = JSON.stringify(buildOpenApiDocument());

/** The response carrying the document. */
export function openApiResponse(): HttpResponseInit {
  return { status: 200, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=300" }, body: DOCUMENT_JSON };
}
