/**
 * Compares the shape (recursive key set) of a sandbox response body with an official Azure REST
 * example, ignoring values: a sandbox answer must have the fields the example has, and no others.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

/** The official examples the tests use, vendored in the repository (source and commits in its README). */
export const REST_EXAMPLES_DIR = join(import.meta.dirname, "../fixtures/azure-rest-examples");

/**
 * Dotted key paths of a JSON value: `properties.status`, `properties.outputImages[].digest`.
 * Array items are merged under `[]`; an empty array or null contributes only its own path.
 */
export function keyPaths(value: unknown, prefix = ""): string[] {
  const paths = new Set<string>();
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, `${path}[]`);
    } else if (typeof node === "object" && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        const childPath = path ? `${path}.${key}` : key;
        paths.add(childPath);
        walk(child, childPath);
      }
    }
  };
  walk(value, prefix);
  return [...paths].sort();
}

/** Options for {@link expectSameShape}. */
export interface ShapeOptions {
  /** Key paths to leave out on both sides, with everything below them (e.g. `properties.task`). */
  ignore?: string[];
}

function ignored(path: string, ignore: readonly string[]): boolean {
  return ignore.some((prefix) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[]`));
}

/**
 * Fields every ARM resource carries by the common types (`Resource.systemData` in
 * `common-types/resource-management/v5/types.json`) that the official examples leave out: allowed
 * beside the example's own fields.
 */
const COMMON_TYPES_FIELDS = ["systemData"];

/** Whether a key path is, or lies below, a common-types field at any depth (`value[].systemData.createdAt`). */
export function isCommonTypesField(path: string): boolean {
  return path.replace(/\[\]/g, "").split(".").some((segment) => COMMON_TYPES_FIELDS.includes(segment));
}

/** Asserts `actual` has exactly the example's key paths (values may differ), common-types fields aside. */
export function expectSameShape(actual: unknown, example: unknown, options: ShapeOptions = {}): void {
  const ignore = options.ignore ?? [];
  const want = keyPaths(example).filter((path) => !ignored(path, ignore));
  const got = keyPaths(actual).filter((path) => !ignored(path, ignore));
  const missing = want.filter((path) => !got.includes(path));
  const extra = got.filter((path) => !want.includes(path) && !isCommonTypesField(path));
  expect({ missing, extra }).toEqual({ missing: [], extra: [] });
}

/** An example file's response body for `status`, e.g. `loadExampleResponse("containerregistry/2019-06-01-preview/examples/RunsGet.json")`. */
export function loadExampleResponse(relativePath: string, status = "200"): unknown {
  const example = JSON.parse(readFileSync(join(REST_EXAMPLES_DIR, relativePath), "utf8")) as { responses?: Record<string, { body?: unknown }> };
  const response = example.responses?.[status];
  if (!response) throw new Error(`${relativePath} has no ${status} response`);
  return response.body;
}
