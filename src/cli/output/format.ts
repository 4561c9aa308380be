/** Plain-text formatting shared by every output mode: sizes, durations, lint findings, steps. */
import type { LintReport } from "../../domain/lintFinding.js";
import type { DeploymentResource } from "../../functions/http/apiTypes.js";

/** `1.2 MB`-style sizes (powers of 1024, one decimal). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `[  75s]`: seconds since the deploy started, padded so lines align. */
export function elapsedLabel(ms: number): string {
  return `[${String(Math.max(0, Math.round(ms / 1000))).padStart(5)}s]`;
}

/** The lint findings as lines: a summary, then each finding with its why and fix. */
export function lintLines(report: LintReport): string[] {
  const { cache, size, security } = report.counts;
  const total = report.findings.length;
  const lines = [`lint: ${total === 0 ? "no findings" : `${total} finding${total === 1 ? "" : "s"}`} (${cache} cache, ${size} size, ${security} security)`];
  for (const finding of report.findings) {
    lines.push(`  ${finding.file}${finding.line !== null ? `:${finding.line}` : ""} ${finding.rule} (${finding.category}, ${finding.severity})`);
    lines.push(`    why: ${finding.why}`);
    lines.push(`    fix: ${finding.fix}`);
  }
  return lines;
}

/** What a deploy shows in one line: its status and the step under way. */
export function progressLine(resource: DeploymentResource): string {
  const running = resource.steps.find((step) => step.status === "running");
  return `${resource.status}${running ? ` · ${running.name}` : ""}`;
}

/** One line per step whose status is not `pending`, for the final summary. */
export function stepSummaryLines(resource: DeploymentResource): string[] {
  return resource.steps
    .filter((step) => step.status !== "pending")
    .map((step) => `  ${step.status.padEnd(9)} ${step.name}${step.detail !== undefined ? `: ${step.detail}` : ""}`);
}

/** The last `count` lines of a build log tail. */
export function tailLines(text: string, count: number): string[] {
  return text.replace(/\s+$/, "").split(/\r?\n/).slice(-count);
}
