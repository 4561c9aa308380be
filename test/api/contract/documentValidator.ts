/**
 * Checks an OpenAPI 3.1 document: against the official OAS 3.1 JSON schema and its references
 * (@seriousme/openapi-schema-validator), then every Schema Object in it is compiled with strict
 * JSON Schema 2020-12 (the OAS schema treats schemas as opaque objects, so a typo like `requried`
 * would otherwise pass).
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { createSchemaCompiler } from "./schemaCompiler.js";

/** Where Schema Objects sit in a document: every `schema` of parameters, headers and media types, and the components. */
function collectSchemas(value: unknown, path: string, found: { path: string; schema: unknown }[]): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => collectSchemas(item, `${path}/${index}`, found));
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    const innerPath = `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (key === "schema") found.push({ path: innerPath, schema: inner });
    else collectSchemas(inner, innerPath, found);
  }
}

/** Every problem with `document`; empty when it is a valid OpenAPI 3.1 document. */
export async function validateOpenApiDocument(document: unknown): Promise<string[]> {
  if (document === null || typeof document !== "object") return ["the document is not an object"];
  const validator = new Validator();
  // The validator writes into what it is given; hand it a copy.
  const result = await validator.validate(structuredClone(document) as Record<string, unknown>);
  if (!result.valid) {
    const errors = typeof result.errors === "string" ? [result.errors] : (result.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
    return errors.length > 0 ? errors : ["invalid OpenAPI document"];
  }
  if (validator.version !== "3.1") return [`expected OpenAPI 3.1, got ${validator.version}`];

  const problems: string[] = [];
  let compiler;
  try {
    compiler = createSchemaCompiler(document);
  } catch (error) {
    return [`components/schemas: ${error instanceof Error ? error.message : String(error)}`];
  }
  const schemas: { path: string; schema: unknown }[] = [];
  const components = (document as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {};
  for (const [name, schema] of Object.entries(components)) schemas.push({ path: `#/components/schemas/${name}`, schema });
  collectSchemas((document as { paths?: unknown }).paths, "#/paths", schemas);
  collectSchemas((document as { components?: { responses?: unknown } }).components?.responses, "#/components/responses", schemas);
  collectSchemas((document as { components?: { parameters?: unknown } }).components?.parameters, "#/components/parameters", schemas);
  collectSchemas((document as { components?: { headers?: unknown } }).components?.headers, "#/components/headers", schemas);
  collectSchemas((document as { webhooks?: unknown }).webhooks, "#/webhooks", schemas);
  for (const { path, schema } of schemas) {
    try {
      compiler.compile(schema);
    } catch (error) {
      problems.push(`${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}
