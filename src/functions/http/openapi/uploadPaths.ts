/**
 * `/uploads`: an upload slot for a build context on the target's ACR registry.
 */
import { TARGET_NAME_PATTERN, UPLOAD_RELATIVE_PATH_PATTERN } from "../../../domain/deployment.js";
import { json, problem, ref, schemaRef } from "./refs.js";
import type { PathsObject, SchemaObject } from "./types.js";

/** The schemas of the upload request and answer. */
export const uploadSchemas: Record<string, SchemaObject> = {
  UploadRequest: {
    type: "object",
    additionalProperties: false,
    required: ["target"],
    properties: { target: { type: "string", pattern: TARGET_NAME_PATTERN.source, description: "A configured target that has a build." } },
  },
  UploadSlot: {
    type: "object",
    additionalProperties: false,
    required: ["uploadUrl", "relativePath", "expiresOn"],
    properties: {
      uploadUrl: { type: "string", format: "uri", description: "A SAS URL to PUT the context's tar.gz to (a block blob). It is a credential: keep it out of logs." },
      relativePath: {
        type: "string",
        pattern: UPLOAD_RELATIVE_PATH_PATTERN.source,
        description: 'Name it in the deploy: `build.source = { "kind": "upload", "relativePath" }`.',
      },
      expiresOn: { type: ["string", "null"], format: "date-time", description: "When the URL stops working (its SAS `se`); null when the URL does not say." },
    },
  },
};

export const uploadPaths: PathsObject = {
  "/uploads": {
    post: {
      operationId: "createUpload",
      tags: ["deployments"],
      summary: "Get an upload slot for a build context",
      description:
        "Calls ACR `getBuildSourceUploadUrl` on the target's build registry (as `az acr build` does) and answers where to upload the gzip tar of the context. " +
        'Start the deploy with `build.source = { "kind": "upload", "relativePath" }` (the target\'s allowOverrides must contain `build.source`).',
      requestBody: { required: true, content: json(schemaRef("UploadRequest")) },
      responses: {
        "200": { description: "The upload slot.", content: json(schemaRef("UploadSlot")) },
        "400": ref("responses", "InvalidBody"),
        "401": ref("responses", "Unauthorized"),
        "404": problem(404, "The target does not exist.", ["notFound"]),
        "409": problem(409, "The target has no build, so there is no registry to upload to.", ["targetWithoutBuild"]),
        "413": ref("responses", "PayloadTooLarge"),
        "415": ref("responses", "UnsupportedMediaType"),
        "500": ref("responses", "InternalError"),
        "502": problem(502, "ACR refused or failed the call; the detail names the registry, status, ARM code and correlation id.", ["azureCallFailed"]),
        "503": ref("responses", "ConfigurationInvalid"),
      },
    },
  },
};
