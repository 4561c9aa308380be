/**
 * Vitest global setup: looks for Debian's docker-registry once per run and tells the test files.
 * Without it the suites that need it are skipped (and the skip reporter says why), unless
 * ACA_ROLLOUT_REQUIRE_DOCKER_REGISTRY=1 (set by .ci/run): then its absence fails the run, so CI never
 * skips them silently.
 */
import type { TestProject } from "vitest/node";
import { dockerRegistryBinary, isDockerRegistryInstalled } from "../../src/local/services/dockerRegistry.js";
import { DOCKER_REGISTRY_INSTALL, REQUIRE_DOCKER_REGISTRY_SETTING, type DockerRegistryAvailability } from "./dockerRegistryAvailability.js";

/** Provides `dockerRegistry` to the test files; throws when it is required and missing. */
export default async function setup(project: TestProject): Promise<void> {
  const binary = dockerRegistryBinary();
  const availability: DockerRegistryAvailability = {
    installed: await isDockerRegistryInstalled(binary),
    binary,
    required: process.env[REQUIRE_DOCKER_REGISTRY_SETTING] === "1",
  };
  if (availability.required && !availability.installed) {
    throw new Error(`${REQUIRE_DOCKER_REGISTRY_SETTING}=1 but docker-registry is not installed (${binary} not found). Install it with: ${DOCKER_REGISTRY_INSTALL}`);
  }
  project.provide("dockerRegistry", availability);
}
