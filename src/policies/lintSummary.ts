/** The lint's findings in a few words, for the status step, notifications and the CLI. */
import type { LintReport } from "../domain/lintFinding.js";

/** "no findings", or "3 findings (2 cache, 1 size)"; counted from `counts`, which a status keeps whole. */
export function lintSummary(report: Pick<LintReport, "counts">): string {
  const total = report.counts.cache + report.counts.size + report.counts.security;
  if (total === 0) return "no findings";
  const parts = (["cache", "size", "security"] as const).filter((category) => report.counts[category] > 0).map((category) => `${report.counts[category]} ${category}`);
  return `${total} finding${total === 1 ? "" : "s"} (${parts.join(", ")})`;
}
