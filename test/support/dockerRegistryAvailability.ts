/**
 * Whether this run has Debian's docker-registry, as found by the global setup, and the suite options
 * that skip a suite needing it when it is missing (tagged so the skip reporter can name it).
 */
import { inject, type TestOptions } from "vitest";

/** The variable that turns a missing docker-registry into a failed run (.ci/run sets it). */
export const REQUIRE_DOCKER_REGISTRY_SETTING = "ACA_ROLLOUT_REQUIRE_DOCKER_REGISTRY";

/** How to install it. */
export const DOCKER_REGISTRY_INSTALL = "apt-get install -y docker-registry";

/** What the global setup found. */
export interface DockerRegistryAvailability {
  installed: boolean;
  /** The binary looked for. */
  binary: string;
  /** Whether its absence fails the run. */
  required: boolean;
}

declare module "vitest" {
  export interface ProvidedContext {
    dockerRegistry: DockerRegistryAvailability;
  }
  export interface TaskMeta {
    /** A local service the suite needs; the skip reporter names suites skipped for want of it. */
    needs?: "docker-registry";
  }
}

/** This run's docker-registry availability (from the global setup). */
export function dockerRegistryAvailability(): DockerRegistryAvailability {
  return inject("dockerRegistry");
}

/** Suite options for a suite that needs docker-registry: skipped when it is missing and not required. */
export function needsDockerRegistry(needed = true): TestOptions {
  const { installed, required } = dockerRegistryAvailability();
  return needed ? { skip: !installed && !required, meta: { needs: "docker-registry" } } : {};
}
