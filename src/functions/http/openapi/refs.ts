/**
 * Small builders the component and path files share: references into the components, JSON media
 * types, and problem responses pinned to their status and problem types.
 */
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, type ProblemTypeName } from "../problem.js";
import type { MediaTypeObject, ReferenceObject, ResponseObject, SchemaObject } from "./types.js";

/** A reference to a component. */
export const ref = (kind: "schemas" | "responses" | "parameters" | "headers", name: string): ReferenceObject => ({ $ref: `#/components/${kind}/${name}` });

/** A reference to a component schema. */
export const schemaRef = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

/** `application/json` content with `schema`. */
export const json = (schema: SchemaObject | ReferenceObject): Record<string, MediaTypeObject> => ({ "application/json": { schema } });

/** A problem response whose `status` and `type` are pinned, so a wrong kind of problem fails validation. */
export function problem(status: number, description: string, types: readonly ProblemTypeName[]): ResponseObject {
  return {
    description,
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: {
          allOf: [
            schemaRef("Problem"),
            { type: "object", properties: { status: { const: status }, type: { enum: types.map((t) => PROBLEM_TYPES[t]) } } },
          ],
        },
      },
    },
  };
}
