/**
 * Compiles the Schema Objects of an OpenAPI 3.1 document with Ajv's JSON Schema 2020-12 validator,
 * in strict mode so a misspelt keyword is an error rather than a schema that accepts everything.
 * `#/components/schemas/*` references are served from one registered schema, so every operation's
 * schema shares them.
 */
import Ajv2020Module, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// Both packages are CommonJS with `exports.default`; under NodeNext the default import is the module object.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** The id the document's component schemas are registered under. */
const COMPONENTS_ID = "urn:aca-rollout:openapi-components";
const LOCAL_SCHEMA_REF = "#/components/schemas/";

/** OpenAPI's own Schema Object keywords (annotations for validation purposes). */
const OPENAPI_SCHEMA_KEYWORDS = ["example", "discriminator", "xml", "externalDocs"];

/** Compiles schemas of one document. */
export interface SchemaCompiler {
  /** A validator for `schema` (as written in the document); throws on an invalid schema. */
  compile(schema: unknown): ValidateFunction;
}

/** Rewrites document-local schema references to the registered components schema. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === "$ref" && typeof inner === "string") {
      if (!inner.startsWith(LOCAL_SCHEMA_REF)) throw new Error(`unsupported schema reference ${inner} (only ${LOCAL_SCHEMA_REF}* is resolved)`);
      out[key] = `${COMPONENTS_ID}#/$defs/${inner.slice(LOCAL_SCHEMA_REF.length)}`;
    } else {
      out[key] = rewriteRefs(inner);
    }
  }
  return out;
}

/** Creates a compiler for the schemas of `document`. */
export function createSchemaCompiler(document: unknown): SchemaCompiler {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const keyword of OPENAPI_SCHEMA_KEYWORDS) ajv.addKeyword({ keyword });
  const components = (document as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {};
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(components) as Record<string, unknown> });
  const cache = new Map<unknown, ValidateFunction>();
  return {
    compile(schema) {
      let validate = cache.get(schema);
      if (!validate) {
        validate = ajv.compile(rewriteRefs(schema) as object);
        cache.set(schema, validate);
      }
      return validate;
    },
  };
}

/** Formats Ajv errors as `<instance path> <message>` lines. */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? e.keyword}${e.keyword === "additionalProperties" ? `: ${JSON.stringify(e.params)}` : ""}`);
}
