/**
 * After a build: compare the built image with the last known good one and count the cached steps
 * (the `reportBuild` activity), then publish it as the status's `build` with its one-line summary.
 * Information only: a report that cannot be made leaves the deploy as it was.
 */
import { ACTIVITIES, type RegistryRef } from "../activities/contracts.js";
import type { BuildReport } from "../domain/buildReport.js";
import { formatBuildSummary } from "../policies/buildSummary.js";
import type { Flow } from "./calls.js";
import type { DeployRun } from "./deployRun.js";

/** Reports on the build run `runId`, which produced `digest`; `baselineImage` is what the app served before. */
export function* reportOnBuild(run: DeployRun, build: { registry: RegistryRef; runId: string }, digest: string, baselineImage: string | undefined): Flow<BuildReport | undefined> {
  const { image } = run.input;
  const report = yield* run.activity(ACTIVITIES.reportBuild, {
    registry: build.registry,
    runId: build.runId,
    image: { loginServer: image.loginServer, repository: image.repository, digest },
    ...(baselineImage !== undefined ? { baselineImage } : {}),
  });
  if ("failure" in report) return undefined;
  const summary = formatBuildSummary(report);
  const result: BuildReport = {
    ...(report.layers ? { layers: report.layers } : {}),
    ...(report.cache ? { cache: report.cache } : {}),
    ...(summary !== "" ? { summary } : {}),
  };
  run.progress.mergeBuild(result);
  return result;
}
