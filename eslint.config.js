// ESLint flat config: typescript-eslint's recommended rules, with `any` banned in product code.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "coverage/**", "node_modules/**", ".aca-rollout/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": "off",
    },
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
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
