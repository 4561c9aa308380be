/**
 * What a build reused and what it made anew: the layer comparison with the last known good image
 * (through the registry's data plane) and the BuildKit cache hits read from the build log. Shown in
 * the deploy status as `build.layers` and `build.cache`, in notifications and in the CLI. The lint
 * step's findings on the uploaded context ride along as `build.lint`.
 */
import type { LintMode } from "./deployment.js";
import type { LintCategory, LintFinding } from "./lintFinding.js";

/** One layer of an image manifest. */
export interface LayerDescriptor {
  digest: string;
  /** Bytes as stored in the registry (compressed). */
  size: number;
}

/** The built image's layers against the last known good image's. */
export interface LayerReport {
  /** Layers of the built image. */
  total: number;
  /** Layers the last known good image did not have: what a pull of the new image downloads. */
  new: number;
  /** Layers the last known good image already had. */
  reused: number;
  /** Bytes of every layer of the built image. */
  bytesTotal: number;
  /** Bytes of the new layers. */
  bytesNew: number;
  /** The digest of the image compared with; absent when there was none (every layer then counts as new). */
  comparedWith?: string;
}

/** The build's steps as BuildKit's log reports them. */
export interface CacheReport {
  /** Dockerfile steps BuildKit ran or found cached (`[stage n/m]` lines). */
  steps: number;
  /** Steps reported `CACHED`. */
  cached: number;
  /** Steps that ran (`DONE` or `ERROR`). */
  executed: number;
}

/** Most lint findings a status carries (a custom status must stay small); the rest are counted. */
export const MAX_STATUS_LINT_FINDINGS = 20;

/** What the lint step found in the uploaded context. */
export interface LintStatus {
  /** The target's lint mode: `error` blocks the deploy on any finding. */
  mode: LintMode;
  dockerfile: string;
  /** The findings, at most {@link MAX_STATUS_LINT_FINDINGS}. */
  findings: LintFinding[];
  /** Findings of each category, all of them counted. */
  counts: Record<LintCategory, number>;
  /** Findings left out of `findings`. */
  omitted?: number;
}

/** The build part of a deploy's status. */
export interface BuildReport {
  lint?: LintStatus;
  layers?: LayerReport;
  cache?: CacheReport;
  /** One line for people: "2 of 9 layers new, 3.1 MB of 412 MB; 7/9 steps cached". */
  summary?: string;
}
