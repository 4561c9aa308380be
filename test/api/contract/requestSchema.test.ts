/**
 * The document's request body schema is generated from the zod schema the parser reads its fields
 * from, so both name the same fields; and it describes every field of a build, down to the registry.
 */
import { describe, expect, it } from "vitest";
import { composeDeploymentInput, parseDeploymentRequestBody } from "../../../src/domain/deploymentRequest.js";
import { parseTargetsDocument } from "../../../src/domain/target.js";
import { demoTargetsDocument } from "../../../src/local/demo.js";
import { DEPLOYMENT_REQUEST_EXAMPLES } from "../../../src/functions/http/openapi/deploymentPaths.js";
import { buildOpenApiDocument } from "../../../src/functions/http/openapi/document.js";
import { createSchemaCompiler, describeSchemaErrors } from "./schemaCompiler.js";

const document = buildOpenApiDocument();
type Described = { properties?: Record<string, Described>; required?: string[]; description?: string; oneOf?: Described[] };
const request = document.components.schemas.DeploymentRequest as Described;
const validate = createSchemaCompiler(document).compile({ $ref: "#/components/schemas/DeploymentRequest" });
const errors = (body: unknown): string[] => (validate(body) ? [] : describeSchemaErrors(validate.errors));

const parsedDemo = parseTargetsDocument(demoTargetsDocument());
if (!parsedDemo.ok) throw new Error(JSON.stringify(parsedDemo.issues));
const demo = parsedDemo.value;

const BUILD = {
  registry: { subscriptionId: "11111111-2222-4333-8444-555555555555", resourceGroup: "rg-acr", name: "contosoacr" },
  source: { kind: "git", url: "https://github.com/contoso/web.git", ref: "main", folder: "app" },
  dockerfile: "Dockerfile",
  buildArgs: [{ name: "NODE_ENV", value: "production" }],
  target: "runtime",
  platform: "linux/arm64",
  timeoutSeconds: 1800,
  cache: true,
};

describe("DeploymentRequest schema", () => {
  it("describes every build field, the registry's own fields and both source kinds, each with a description", () => {
    const build = request.properties?.build;
    expect(Object.keys(build?.properties ?? {}).sort()).toEqual(Object.keys(BUILD).sort());
    for (const field of Object.values(build?.properties ?? {})) expect(field.description).toBeTruthy();
    const registry = build?.properties?.registry;
    expect(Object.keys(registry?.properties ?? {}).sort()).toEqual(["name", "resourceGroup", "subscriptionId"]);
    expect(registry?.required).toEqual(["resourceGroup"]);
    expect(build?.properties?.source?.oneOf).toHaveLength(2);
  });

  it("accepts what the parser accepts and refuses the fields it refuses", () => {
    const body = { target: "web", tag: "v2", build: BUILD, policy: { verifyTimeoutSeconds: 300, smokePath: "/healthz", warmupGraceSeconds: 30, onFailure: "rollback" } };
    expect(errors(body)).toEqual([]);
    expect(parseDeploymentRequestBody(body).ok).toBe(true);
    for (const bad of [{ target: "web", tag: "v2", extra: 1 }, { target: "web", build: { registryName: "x" } }, { target: "web", policy: { retries: 3 } }]) {
      expect(errors(bad)).not.toEqual([]);
      expect(parseDeploymentRequestBody(bad).ok).toBe(false);
    }
    // Secret build args are the target's only: the request form has no fromSetting.
    const secret = { target: "web", tag: "v2", build: { buildArgs: [{ name: "TOKEN", fromSetting: "NPM_TOKEN" }] } };
    expect(errors(secret)).not.toEqual([]);
    expect(parseDeploymentRequestBody(secret).ok).toBe(false);
  });

  it("has request examples, a build among them, each valid for the schema and the parser", () => {
    const served = document.paths["/deployments"]?.post?.requestBody;
    expect(served && "content" in served ? Object.keys(served.content["application/json"]?.examples ?? {}) : []).toEqual(Object.keys(DEPLOYMENT_REQUEST_EXAMPLES));
    expect(Object.values(DEPLOYMENT_REQUEST_EXAMPLES).some((e) => JSON.stringify(e.value).includes('"build"'))).toBe(true);
    for (const { value } of Object.values(DEPLOYMENT_REQUEST_EXAMPLES)) {
      expect(errors(value)).toEqual([]);
      const body = parseDeploymentRequestBody(value);
      if (!body.ok) throw new Error(JSON.stringify(body.issues));
      // Against npm start's demo targets, which the examples name, each composes into a deploy input.
      const target = demo.targets.find((t) => t.name === body.value.target)!;
      const composed = composeDeploymentInput(target, body.value, { deploymentId: "dep-example", requestedAt: "2026-01-01T00:00:00.000Z" }, demo.allow);
      expect(composed.ok ? [] : composed.issues).toEqual([]);
    }
  });
});
