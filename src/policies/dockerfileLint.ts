/**
 * The Dockerfile cache lint: one pure function, used by the CLI before it packs a context and by the
 * deploy's lint step on the uploaded context. It parses with `dockerfile-ast`, runs the Dockerfile
 * rules (src/policies/dockerfileRules.ts) and, when the context is known, the context rules
 * (src/policies/buildContextRules.ts).
 */
import type { LintCategory, LintFinding, LintReport } from "../domain/lintFinding.js";
import { ignoreFileFindings, secretFindings, type LintContext } from "./buildContextRules.js";
import { readStages } from "./dockerfileModel.js";
import { DOCKERFILE_RULES } from "./dockerfileRules.js";
import { ALWAYS_EXCLUDED, ignoreMatcher } from "./dockerignore.js";

export type { LintContext } from "./buildContextRules.js";

/** Options of `lintDockerfile`. */
export interface LintOptions {
  /** The Dockerfile's path as the user names it, reported in findings. Default `Dockerfile`. */
  readonly dockerfile?: string;
  /** The build context; without it the context rules are skipped and only named COPY sources are checked for secrets. */
  readonly context?: LintContext | null;
}

function byLine(a: LintFinding, b: LintFinding): number {
  return (a.line ?? 0) - (b.line ?? 0) || a.rule.localeCompare(b.rule);
}

/** Lints a Dockerfile's text (and its context when given): every finding with rule id, line, why and fix, ordered by line. */
export function lintDockerfile(text: string, options: LintOptions = {}): LintReport {
  const dockerfile = options.dockerfile ?? "Dockerfile";
  const context = options.context ?? null;
  const stages = readStages(text);
  const files = context === null ? null : new Set(context.paths);
  const excludedPath = ignoreMatcher(context?.ignoreFile?.text ?? null, ALWAYS_EXCLUDED);
  // The lint reports what the ignore file lets in, so .git is judged by the file alone, not by the packer's own exclusion.
  const ignoredByFile = ignoreMatcher(context?.ignoreFile?.text ?? null);
  const contextHas = files === null ? null : (path: string) => files.has(path) && !excludedPath(path);
  const findings = [
    ...DOCKERFILE_RULES.flatMap((rule) => rule({ stages, dockerfile, contextHas })),
    ...(context === null ? [] : ignoreFileFindings(context, ignoredByFile)),
    ...secretFindings(stages, dockerfile, context, excludedPath),
  ].sort(byLine);
  const counts: Record<LintCategory, number> = { cache: 0, size: 0, security: 0 };
  for (const found of findings) counts[found.category]++;
  return { dockerfile, findings, counts };
}
