/**
 * What `deploy` tells the user, as events. Three reporters render them: plain lines (stdout not a
 * terminal), a live spinner (a terminal), and one JSON document (`--json`).
 */
import type { LintReport } from "../../domain/lintFinding.js";
import type { DeploymentResource } from "../../functions/http/apiTypes.js";
import type { PackedContext } from "../context/packContext.js";
import type { ExitCode } from "../core/exitCodes.js";
import type { CliStream } from "../core/io.js";
import { elapsedLabel, formatBytes, lintLines, stepSummaryLines, tailLines } from "./format.js";

/** The events of a deploy command. */
export interface DeployReporter {
  lint(report: LintReport): void;
  context(packed: PackedContext, warnAboveBytes: number): void;
  unchanged(digest: string, deploymentId: string): void;
  uploadProgress(loaded: number, total: number): void;
  uploaded(relativePath: string, bytes: number): void;
  started(id: string, statusUrl: string): void;
  progress(resource: DeploymentResource, elapsedMs: number): void;
  notice(message: string): void;
  finished(resource: DeploymentResource | null, exitCode: ExitCode): void;
  failed(message: string, exitCode: ExitCode, details?: readonly string[]): void;
}

/** How many lines of a failed build's log the CLI prints. */
export const LOG_TAIL_LINES = 20;

/** Lines describing the packed context, with the largest files when it is above `warnAboveBytes`. */
export function contextLines(packed: PackedContext, warnAboveBytes: number): string[] {
  const lines = [
    `context: ${packed.files} files, ${formatBytes(packed.bytes)} (${formatBytes(packed.archive.length)} packed), ${packed.ignoreFile !== null ? `ignore file ${packed.ignoreFile}` : "no ignore file"}, hash ${packed.contentHash}`,
  ];
  if (packed.bytes > warnAboveBytes) {
    lines.push(`context is larger than ${formatBytes(warnAboveBytes)}; its largest files (add what the build does not need to ${packed.ignoreFile ?? ".dockerignore"}):`);
    for (const file of packed.largest) lines.push(`  ${formatBytes(file.size).padStart(9)}  ${file.path}`);
  }
  return lines;
}

/** The closing lines of a deploy: outcome, reason, steps, and the build log's tail when it failed. */
export function finalLines(resource: DeploymentResource): string[] {
  const lines = [`${resource.status}: deployment ${resource.id}${resource.reason !== undefined ? ` - ${resource.reason}` : ""}`];
  if (resource.image.digest !== undefined) lines.push(`  image ${resource.image.loginServer}/${resource.image.repository}@${resource.image.digest}`);
  if (resource.revision !== undefined) lines.push(`  revision ${resource.revision}`);
  // The layer and cache report of the build: "1 of 6 layers new, 941 B of 205 kB; 4/5 steps cached".
  if (resource.build?.summary !== undefined) lines.push(`  build: ${resource.build.summary}`);
  lines.push(...stepSummaryLines(resource));
  if (resource.logTail !== undefined) {
    lines.push(`build log (last ${LOG_TAIL_LINES} lines of run ${resource.runId ?? "?"}):`);
    lines.push(...tailLines(resource.logTail, LOG_TAIL_LINES).map((line) => `  | ${line}`));
  }
  if (resource.error !== undefined) lines.push(`  Azure error ${resource.error.code}${resource.error.correlationId !== undefined ? ` (correlation id ${resource.error.correlationId})` : ""}: ${resource.error.message}`);
  return lines;
}

/** Plain lines, one per event and one per change of phase or step: for logs and CI (stdout not a terminal). */
export class PlainReporter implements DeployReporter {
  private lastProgress = "";
  private lastUploadDecile = -1;

  constructor(
    protected readonly out: CliStream,
    protected readonly err: CliStream,
  ) {}

  protected line(text: string): void {
    this.out.write(`${text}\n`);
  }

  lint(report: LintReport): void {
    lintLines(report).forEach((line) => this.line(line));
  }

  context(packed: PackedContext, warnAboveBytes: number): void {
    contextLines(packed, warnAboveBytes).forEach((line) => this.line(line));
  }

  unchanged(digest: string, deploymentId: string): void {
    this.line(`nothing changed since ${digest} (deployment ${deploymentId} built this same context); use --force to deploy anyway`);
  }

  uploadProgress(loaded: number, total: number): void {
    // Tenths only, so a log is not flooded by a large upload.
    const decile = total === 0 ? 10 : Math.floor((loaded / total) * 10);
    if (decile === this.lastUploadDecile) return;
    this.lastUploadDecile = decile;
    this.line(`upload: ${decile * 10}% (${formatBytes(loaded)} of ${formatBytes(total)})`);
  }

  uploaded(relativePath: string, bytes: number): void {
    this.line(`uploaded ${formatBytes(bytes)} as ${relativePath}`);
  }

  started(id: string, statusUrl: string): void {
    this.line(`deployment ${id} started: ${statusUrl}`);
  }

  progress(resource: DeploymentResource, elapsedMs: number): void {
    const steps = resource.steps
      .filter((step) => step.status !== "pending")
      .map((step) => `${step.name}=${step.status}`)
      .join(" ");
    const key = `${resource.status}|${steps}`;
    if (key === this.lastProgress) return;
    const before = new Map(this.lastProgress.split("|")[1]?.split(" ").map((pair) => pair.split("=") as [string, string]) ?? []);
    this.lastProgress = key;
    const changed = resource.steps.filter((step) => step.status !== "pending" && before.get(step.name) !== step.status);
    const detail = changed.map((step) => `${step.name} ${step.status}${step.detail !== undefined && step.status !== "running" ? ` (${step.detail})` : ""}`).join(", ");
    this.line(`${elapsedLabel(elapsedMs)} ${resource.status}${detail !== "" ? `: ${detail}` : ""}`);
  }

  notice(message: string): void {
    this.line(message);
  }

  finished(resource: DeploymentResource | null, _exitCode: ExitCode): void {
    if (resource !== null) finalLines(resource).forEach((line) => this.line(line));
  }

  failed(message: string, _exitCode: ExitCode, details: readonly string[] = []): void {
    this.err.write(`error: ${message}\n`);
    for (const detail of details) this.err.write(`  ${detail}\n`);
  }
}
