/**
 * The body of `POST /api/deployments` as one zod schema, built from the very field schemas the deploy
 * input uses (so a pattern or a limit is written once). The OpenAPI document's `DeploymentRequest`
 * is generated from it with `z.toJSONSchema`, and the request parser takes its field lists from it,
 * so the document and the parser cannot drift apart.
 *
 * Every `build` and `policy` field is optional and has no default here: a field the request leaves
 * out keeps the target's value, and the target's defaults are the deploy input's.
 */
import { z } from "zod";
import { DIGEST_PATTERN, TAG_PATTERN } from "./imageReference.js";
import { MAX_BUILD_ARGS, TARGET_NAME_PATTERN, buildSchema, policySchema } from "./deployment.js";

const build = buildSchema.shape;
const policy = policySchema.shape;
const buildArg = build.buildArgs.unwrap().element.shape;

/** A plain build arg a request may give (secret args are declared on the target only). */
const requestBuildArgSchema = z
  .strictObject({
    name: buildArg.name,
    value: buildArg.value.unwrap(),
  })
  .meta({ description: "A plain `--build-arg`. Replaces the target's arg of the same name, or is added." });

/** The registry a build runs in; every field but the resource group has a default. */
const registryDescription =
  "The ACR registry the ACR Tasks run is scheduled in. `resourceGroup` is required; `subscriptionId` defaults to the target's subscription and " +
  "`name` to the first label of the target's login server (`contosoacr` for `contosoacr.azurecr.io`).";

/** `build` in a request: overrides of the target's build, or a whole build where the target allows it. */
export const requestBuildSchema = z
  .strictObject({
    registry: build.registry.meta({ description: registryDescription }).optional(),
    source: build.source
      .meta({
        description:
          'The build context: `{ "kind": "git", "url": "https://...", "ref"?, "folder"? }` (a public or token-free https repository) or ' +
          '`{ "kind": "upload", "relativePath", "contentHash"? }` (the path POST /api/uploads or getBuildSourceUploadUrl returned for an uploaded tar.gz; ' +
          "`contentHash`, the context's `sha256:` content hash, is kept with the deploy as its `contentHash`).",
      })
      .optional(),
    dockerfile: build.dockerfile.unwrap().meta({ description: "The Dockerfile, relative to the context. The target's, or `Dockerfile`." }).optional(),
    buildArgs: z
      .array(requestBuildArgSchema)
      .max(MAX_BUILD_ARGS)
      .meta({ description: "Plain build args, merged with the target's by name." })
      .optional(),
    target: build.target.unwrap().meta({ description: "The Dockerfile stage to build (`--target`)." }).optional(),
    platform: build.platform.unwrap().meta({ description: "The platform to build for. The target's, or `linux/amd64`." }).optional(),
    timeoutSeconds: build.timeoutSeconds.unwrap().meta({ description: "The run's timeout in seconds. The target's, or 3600." }).optional(),
    cache: build.cache.unwrap().meta({ description: "Use and refresh the registry-backed layer cache (`<repository>:buildcache`). The target's, or true." }).optional(),
  })
  .meta({
    description:
      "Builds the image with ACR Tasks before deploying it, pushing `tag`. Each field overrides the target's build and needs the target's allowOverrides " +
      '(`build.<field>`, or `build` for any field). A target without a build accepts a whole build only where allowOverrides contains "build"; ' +
      "it then needs at least `registry` and `source`.",
  });

/** `policy` in a request: overrides of the target's rollout policy. */
export const requestPolicySchema = z
  .strictObject({
    verifyTimeoutSeconds: policy.verifyTimeoutSeconds.unwrap().meta({ description: "How long the new revision may take to become healthy. The target's, or 600." }).optional(),
    smokePath: policy.smokePath.unwrap().meta({ description: "A path requested on the new revision's own host name; it must answer 2xx." }).optional(),
    warmupGraceSeconds: policy.warmupGraceSeconds.unwrap().meta({ description: "How long `Unhealthy` counts as still starting. The target's, or 60." }).optional(),
    onFailure: policy.onFailure.unwrap().meta({ description: "What to do when verification fails. The target's, or `restart-then-rollback`." }).optional(),
  })
  .meta({ description: "Overrides of the target's rollout policy; each field needs the target's allowOverrides (`policy.<field>`)." });

/** The whole body of `POST /api/deployments`. */
export const deploymentRequestBodySchema = z
  .strictObject({
    target: z.string().regex(TARGET_NAME_PATTERN).meta({ description: "The name of a configured target (ACA_ROLLOUT_TARGETS)." }),
    tag: z.string().regex(TAG_PATTERN).meta({ description: "The tag to deploy; with a build, the tag the build pushes." }).optional(),
    digest: z.string().regex(DIGEST_PATTERN).meta({ description: "The digest to deploy (`sha256:` and 64 hex digits); not with a build." }).optional(),
    build: requestBuildSchema.optional(),
    policy: requestPolicySchema.optional(),
  })
  .meta({
    description:
      "Deploys `tag` or `digest` (exactly one) of the target's repository, building it first when the target has a build or the request gives one " +
      "(a build needs `tag`). `build` and `policy` override the target's values, field by field, where the target's allowOverrides permits.",
  });

/** Top-level fields of the body. */
export const REQUEST_BODY_FIELDS: readonly string[] = Object.keys(deploymentRequestBodySchema.shape);
/** Fields of `build` a body may name (each still needs the target's permission). */
export const REQUEST_BUILD_FIELDS: readonly string[] = Object.keys(requestBuildSchema.shape);
/** Fields of `policy` a body may name (each still needs the target's permission). */
export const REQUEST_POLICY_FIELDS: readonly string[] = Object.keys(requestPolicySchema.shape);
