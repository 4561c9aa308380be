/**
 * One title per problem type URN: every type has its own title, every problem response carries it,
 * and the document's Problem schema refuses a problem whose title is another type's.
 */
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../../../src/functions/http/openapi/document.js";
import { PROBLEM_TITLES, PROBLEM_TYPES, problemResponse, type ProblemTypeName } from "../../../src/functions/http/problem.js";
import { createSchemaCompiler } from "./schemaCompiler.js";

const names = Object.keys(PROBLEM_TYPES) as ProblemTypeName[];
const validate = createSchemaCompiler(buildOpenApiDocument()).compile({ $ref: "#/components/schemas/Problem" });

describe("problem titles", () => {
  it("every type has one title of its own", () => {
    expect(Object.keys(PROBLEM_TITLES).sort()).toEqual([...names].sort());
    const titles = names.map((name) => PROBLEM_TITLES[name]);
    expect(new Set(titles).size).toBe(titles.length);
    expect(new Set(Object.values(PROBLEM_TYPES)).size).toBe(names.length);
  });

  it.each(names)("%s: a response carries its title, and the document refuses any other", (name) => {
    const response = problemResponse({ type: PROBLEM_TYPES[name], status: 400, detail: "x" });
    if (typeof response.body !== "string") throw new Error("a problem response's body is its JSON text");
    const body = JSON.parse(response.body) as { title: string };
    expect(body.title).toBe(PROBLEM_TITLES[name]);
    expect(validate(body)).toBe(true);
    for (const other of names.filter((n) => n !== name)) expect(validate({ ...body, title: PROBLEM_TITLES[other] })).toBe(false);
  });
});
