import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Finds Debian's docker-registry once; suites that need it skip without it (or fail the run in CI).
    globalSetup: ["test/support/dockerRegistryGate.ts"],
    reporters: ["default", "./test/support/skipReporter.ts"],
  },
});
