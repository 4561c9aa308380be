/**
 * What the Dockerfile cache lint reports. Shared by the CLI (printed before a deploy), the deploy
 * status (the lint step run on the uploaded context) and notifications, so it is a plain JSON value.
 */

/** Every rule the lint knows, by its stable id (documented in the README's CLI section). */
export const LINT_RULE_IDS = [
  "copy-all-before-install",
  "dockerignore-missing",
  "dockerignore-leak",
  "apt-update-split",
  "apt-lists-not-cleaned",
  "pip-cache-kept",
  "npm-install-not-ci",
  "base-image-unpinned",
  "compiler-in-final-image",
  "secret-file-in-image",
] as const;

/** A rule's stable id. */
export type LintRuleId = (typeof LINT_RULE_IDS)[number];

/**
 * What a finding costs: `cache` (a code change re-runs layers that could have been reused), `size`
 * (bytes every pull and push carries) or `security` (something that should not be in an image at all).
 */
export type LintCategory = "cache" | "size" | "security";

/** How much a finding matters; a target with `lint: error` lets the deploy step decide what blocks on these. */
export type LintSeverity = "warning" | "error";

/** One finding: where, why it costs cache, size or safety, and how to fix it. */
export interface LintFinding {
  readonly rule: LintRuleId;
  readonly category: LintCategory;
  readonly severity: LintSeverity;
  /** The file the finding is about: the Dockerfile's path, or the ignore file's name. */
  readonly file: string;
  /** 1-based line in `file`; null when the finding is about something missing (no `.dockerignore`). */
  readonly line: number | null;
  /** Why this costs cache, size or safety. */
  readonly why: string;
  /** What to change. */
  readonly fix: string;
}

/** The lint's answer for one Dockerfile (and, when known, its build context). */
export interface LintReport {
  readonly dockerfile: string;
  readonly findings: readonly LintFinding[];
  /** How many findings of each category, for one-line summaries. */
  readonly counts: Readonly<Record<LintCategory, number>>;
}
