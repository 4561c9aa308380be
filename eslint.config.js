// ESLint flat config: typescript-eslint's type-checked recommended rules (they see the types, so they
// catch floating promises, non-exhaustive switches and needless assertions), with `any` banned in product code.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
  {
    // Product code never reaches into the local runtime or the sandbox: they are wired in at start-up only.
    files: ["src/functions/**", "src/orchestrations/**", "src/activities/**", "src/azure/**", "src/notifiers/**", "src/policies/**", "src/config/**", "src/domain/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/local/**", "**/sandbox/**"], message: "Product code must not import the local runtime or the sandbox." }] }],
    },
  },
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
