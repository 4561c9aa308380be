/**
 * The lint step: the Dockerfile cache lint on an uploaded context, before the build. Its findings go
 * into the status (`build.lint`) and so to notifications. It never blocks a deploy unless the target
 * sets `lint: error`: then any finding, or a context that could not be linted, ends the deploy
 * `Failed` before the build, with the Container App untouched. Git sources are not linted (the
 * orchestrator has no copy of them); `lint: off` skips the step.
 */
import { ACTIVITIES } from "../activities/contracts.js";
import { MAX_STATUS_LINT_FINDINGS, type LintStatus } from "../domain/buildReport.js";
import type { BuildSpec } from "../domain/deployment.js";
import { lintSummary } from "../policies/lintSummary.js";
import type { Flow } from "./calls.js";
import type { DeployOutput } from "./deployProgress.js";
import type { DeployRun } from "./deployRun.js";

/** The timeline step's name (appended to the timeline only when the step runs). */
export const LINT_STEP = "lint";

/** Lints the build's uploaded context; `ok: false` carries the output of a deploy the lint stopped. */
export function* lintUploadedContext(run: DeployRun, build: BuildSpec): Flow<{ ok: true } | { ok: false; output: DeployOutput }> {
  const mode = run.input.lint ?? "warn";
  if (build.source.kind !== "upload" || mode === "off") return { ok: true };
  const { progress } = run;
  progress.start(LINT_STEP, `${build.dockerfile} in ${build.source.relativePath}`);
  const linted = yield* run.activity(ACTIVITIES.lintBuildContext, { relativePath: build.source.relativePath, dockerfile: build.dockerfile });
  if (!linted.ok) {
    const why = `${linted.failure.code}: ${linted.failure.message}`;
    if (mode !== "error") {
      progress.finish(LINT_STEP, "skipped", `not linted: ${why}`);
      return { ok: true };
    }
    progress.finish(LINT_STEP, "failed", `not linted: ${why}`);
    return { ok: false, output: progress.result("Failed", `the target sets lint: error and the uploaded context could not be linted (${why}); the Container App was not changed`, { error: linted.failure }) };
  }
  const { report } = linted;
  const status: LintStatus = {
    mode,
    dockerfile: report.dockerfile,
    findings: report.findings.slice(0, MAX_STATUS_LINT_FINDINGS),
    counts: { ...report.counts },
    ...(report.findings.length > MAX_STATUS_LINT_FINDINGS ? { omitted: report.findings.length - MAX_STATUS_LINT_FINDINGS } : {}),
  };
  progress.mergeBuild({ lint: status });
  const summary = lintSummary(report);
  if (mode === "error" && report.findings.length > 0) {
    const rules = [...new Set(report.findings.map((finding) => finding.rule))].join(", ");
    progress.finish(LINT_STEP, "failed", `${summary}; lint: error blocks the deploy`);
    return { ok: false, output: progress.result("Failed", `the target sets lint: error and ${build.dockerfile} has ${summary}: ${rules}; the Container App was not changed`) };
  }
  progress.finish(LINT_STEP, "succeeded", summary);
  return { ok: true };
}
