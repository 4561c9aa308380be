/** `--json`: collects the deploy's events and prints {@link DeployJson} once, when the command ends. */
import type { LintReport } from "../../domain/lintFinding.js";
import type { DeploymentResource } from "../../functions/http/apiTypes.js";
import type { PackedContext } from "../context/packContext.js";
import type { ExitCode } from "../core/exitCodes.js";
import type { CliStream } from "../core/io.js";
import type { DeployJson } from "./deployJson.js";
import type { DeployReporter } from "./reporter.js";

/** Builds the JSON document from the events and writes it at the end. */
export class JsonReporter implements DeployReporter {
  private readonly document: DeployJson;

  constructor(
    private readonly out: CliStream,
    target: string,
  ) {
    this.document = { command: "deploy", target, outcome: "Error", exitCode: 2 };
  }

  lint(report: LintReport): void {
    this.document.lint = report;
  }

  context(packed: PackedContext): void {
    this.document.context = {
      contentHash: packed.contentHash,
      files: packed.files,
      bytes: packed.bytes,
      archiveBytes: packed.archive.length,
      ignoreFile: packed.ignoreFile,
      dockerfile: packed.dockerfileInArchive,
    };
  }

  unchanged(digest: string, deploymentId: string): void {
    this.document.unchangedSince = { digest, deploymentId };
    this.document.outcome = "Unchanged";
  }

  uploadProgress(): void {}

  uploaded(relativePath: string, bytes: number): void {
    this.document.upload = { relativePath, bytes };
  }

  started(_id: string, statusUrl: string): void {
    this.document.statusUrl = statusUrl;
    this.document.outcome = "Started";
  }

  progress(resource: DeploymentResource): void {
    this.document.deployment = resource;
  }

  notice(): void {}

  finished(resource: DeploymentResource | null, exitCode: ExitCode): void {
    if (resource !== null) {
      this.document.deployment = resource;
      this.document.outcome = resource.status;
    }
    this.document.exitCode = exitCode;
    this.write();
  }

  failed(message: string, exitCode: ExitCode, details: readonly string[] = []): void {
    this.document.error = { message, details: [...details] };
    this.document.outcome = exitCode === 130 ? "Interrupted" : "Error";
    this.document.exitCode = exitCode;
    this.write();
  }

  private write(): void {
    this.out.write(`${JSON.stringify(this.document, null, 2)}\n`);
  }
}
