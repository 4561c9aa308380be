/**
 * The targets configuration: read once per process from `ACA_ROLLOUT_TARGETS` (the JSON document
 * itself) or `ACA_ROLLOUT_TARGETS_FILE` (a path to it), validated, and kept. Loading never throws:
 * a bad document is an outcome with every issue, which `/api/health` and the targets endpoints report,
 * and no target of a bad document is usable (nothing is half-loaded).
 */
import { readFileSync } from "node:fs";
import type { ConfigurationIssue } from "../domain/errors.js";
import { parseTargetsDocument, type AllowList, type TargetDefinition } from "../domain/target.js";

/** The setting holding the targets document as JSON text. */
export const TARGETS_SETTING = "ACA_ROLLOUT_TARGETS";
/** The setting holding the path of a JSON file with the targets document. */
export const TARGETS_FILE_SETTING = "ACA_ROLLOUT_TARGETS_FILE";

/** The loaded targets, or every reason they could not be loaded. */
export type TargetsResult = { ok: true; targets: TargetDefinition[]; allow?: AllowList } | { ok: false; issues: ConfigurationIssue[] };

function parseJson(text: string, setting: string): { ok: true; value: unknown } | { ok: false; issue: ConfigurationIssue } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    // The parser's message names a position, never the content: the document holds no secrets anyway.
    return { ok: false, issue: { path: `/${setting}`, message: `is not valid JSON (${error instanceof Error ? error.message : "parse error"})` } };
  }
}

/** Reads and validates the targets from `env`; never throws. Neither setting set means no targets. */
export function loadTargets(env: NodeJS.ProcessEnv = process.env): TargetsResult {
  // Empty strings are how local.settings.json spells "unset".
  const inline = env[TARGETS_SETTING] || undefined;
  const file = env[TARGETS_FILE_SETTING] || undefined;
  if (inline !== undefined && file !== undefined) {
    return { ok: false, issues: [{ path: `/${TARGETS_FILE_SETTING}`, message: `set either ${TARGETS_SETTING} or ${TARGETS_FILE_SETTING}, not both` }] };
  }
  let text: string;
  let setting: string;
  if (inline !== undefined) {
    text = inline;
    setting = TARGETS_SETTING;
  } else if (file !== undefined) {
    setting = TARGETS_FILE_SETTING;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      return { ok: false, issues: [{ path: `/${TARGETS_FILE_SETTING}`, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})` }] };
    }
  } else {
    return { ok: true, targets: [] };
  }
  const json = parseJson(text, setting);
  if (!json.ok) return { ok: false, issues: [json.issue] };
  const document = parseTargetsDocument(json.value);
  if (!document.ok) return { ok: false, issues: document.issues };
  return document.value.allow ? { ok: true, targets: document.value.targets, allow: document.value.allow } : { ok: true, targets: document.value.targets };
}

let cached: TargetsResult | undefined;

/** The targets loaded from `process.env` once per process, good or bad. */
export function currentTargets(): TargetsResult {
  cached ??= loadTargets();
  return cached;
}

/** Forgets the cached targets (tests and the local host call this after changing the environment). */
export function resetTargetsCache(): void {
  cached = undefined;
}

/** The target called `name`, or undefined (also when the configuration is invalid). */
export function findTarget(result: TargetsResult, name: string): TargetDefinition | undefined {
  return result.ok ? result.targets.find((target) => target.name === name) : undefined;
}
