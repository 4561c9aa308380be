// ESLint flat config: typescript-eslint's type-checked recommended rules (they see the types, so they
// catch floating promises, non-exhaustive switches and needless assertions), with `any` banned in product code.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const PRODUCT = ["src/cli", "src/functions", "src/orchestrations", "src/activities", "src/azure", "src/notifiers", "src/policies", "src/config", "src/domain", "src/entities"];
const RUNTIME_AND_SANDBOX = { group: ["**/local/**", "**/sandbox/**"], message: "Product code must not import the local runtime or the sandbox: they are wired in at start-up only." };
/** Folder -> extra restricted-import patterns, on top of the product rule where it applies. */
const BOUNDARIES = {
  // The bottom layer: types, schemas and errors. Policies, orchestrations and the rest build on it.
  "src/domain": [{ group: ["../**"], message: "src/domain imports no other src folder (it is what the others build on)." }],
  // Pure decisions over domain values.
  "src/policies": [{ regex: "^\\.\\./(?!domain/)", message: "src/policies imports only src/domain." }],
  // The clock and loopback plumbing both the local runtime and the sandbox use.
  "src/common": [{ group: ["../**"], message: "src/common imports no other src folder (src/local and src/sandbox both import it)." }],
  // The sandbox is started by the local runtime (src/local/main.ts), never the other way round.
  "src/sandbox": [{ group: ["**/local/**"], message: "src/sandbox must not import src/local (src/local starts the sandbox); shared parts live in src/common." }],
};

function importBoundaries() {
  const folders = new Set([...PRODUCT, ...Object.keys(BOUNDARIES)]);
  return [...folders].map((folder) => ({
    files: [`${folder}/**`],
    rules: {
      "no-restricted-imports": ["error", { patterns: [...(PRODUCT.includes(folder) ? [RUNTIME_AND_SANDBOX] : []), ...(BOUNDARIES[folder] ?? [])] }],
    },
  }));
}

export default tseslint.config(
  { ignores: ["dist/**", "coverage/**", "node_modules/**", ".aca-rollout/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      // An `async` implementation of a Promise-returning interface may have nothing to await: it still
      // turns a synchronous throw into a rejection, which is what its callers handle.
      "@typescript-eslint/require-await": "off",
      "no-restricted-imports": "off",
    },
  },
  {
    // This file is plain JavaScript outside the TypeScript project.
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
  // Import boundaries between folders. One no-restricted-imports setting per folder (a later block
  // would replace, not extend, an earlier one), built from these groups. test/structure checks that no
  // folder cycle exists at all; these rules say which direction is the allowed one.
  ...importBoundaries(),
  {
    files: ["test/**"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      // vitest types its asymmetric matchers (expect.any, expect.stringContaining, ...) as `any`;
      // placing one in an expected object is the matcher's intended use, not an unsafe value.
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
);
