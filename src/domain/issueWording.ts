/**
 * Validation messages for a person. zod's defaults ("Invalid input: expected object, received
 * undefined") describe its own types; the schemas word their own checks, and this map words the
 * rest: what is missing, what kind of value is wanted, and which limits or values are allowed.
 * Passed per parse, so it never overrides a schema's own message.
 */
import type { z } from "zod";

const KINDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object",
  array: "an array",
  null: "null",
};

const UNITS: Record<string, string> = { string: " characters", array: " items", set: " items" };

/** The per-parse error map giving person-worded messages. */
export const personWords: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required" : `must be ${KINDS[issue.expected] ?? issue.expected}`;
    case "too_small":
      return `must be at least ${String(issue.minimum)}${UNITS[issue.origin] ?? ""}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}${UNITS[issue.origin] ?? ""}`;
    case "invalid_value":
      return `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`}`;
    default:
      return undefined;
  }
};
