/**
 * A reporter that adds one line at the end of a run when suites were skipped because a local service
 * is missing: how many tests, which files, why, and the command that installs it.
 */
import type { Reporter, TestModule } from "vitest/node";
import { dockerRegistryBinary } from "../../src/local/services/dockerRegistry.js";
import { DOCKER_REGISTRY_INSTALL } from "./dockerRegistryAvailability.js";

/** Says which tests were skipped for want of docker-registry. */
export default class SkipReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const files = new Set<string>();
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests("skipped")) {
        if (test.meta().needs !== "docker-registry") continue;
        skipped++;
        files.add(module.relativeModuleId);
      }
    }
    if (skipped === 0) return;
    process.stdout.write(
      `\nSkipped ${skipped} tests in ${[...files].sort().join(", ")}: they need Debian's docker-registry, which is not installed (${dockerRegistryBinary()} not found). To run them: ${DOCKER_REGISTRY_INSTALL}\n`,
    );
  }
}
