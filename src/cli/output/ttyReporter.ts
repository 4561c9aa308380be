/**
 * A terminal: the plain reporter's lines, plus one live line (an `ora` spinner on stderr) showing the
 * phase, the step under way and the elapsed time, and the upload's progress as a bar. `ora` is loaded
 * only here, so `--help`, `--json` and non-terminal runs never import it.
 */
import type { Ora } from "ora";
import type { DeploymentResource } from "../../functions/http/apiTypes.js";
import type { ExitCode } from "../core/exitCodes.js";
import type { CliStream } from "../core/io.js";
import { elapsedLabel, formatBytes, progressLine } from "./format.js";
import { PlainReporter } from "./reporter.js";

/** Builds the terminal reporter (loads `ora`). */
export async function createTtyReporter(out: CliStream, err: CliStream): Promise<TtyReporter> {
  const { default: ora } = await import("ora");
  return new TtyReporter(out, err, ora({ stream: process.stderr, discardStdin: false }));
}

function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
}

/** Plain lines above a live spinner line. */
export class TtyReporter extends PlainReporter {
  constructor(
    out: CliStream,
    err: CliStream,
    private readonly spinner: Ora,
  ) {
    super(out, err);
  }

  protected override line(text: string): void {
    const spinning = this.spinner.isSpinning;
    if (spinning) this.spinner.clear();
    super.line(text);
    if (spinning) this.spinner.render();
  }

  override uploadProgress(loaded: number, total: number): void {
    const fraction = total === 0 ? 1 : loaded / total;
    this.spinner.text = `uploading [${bar(fraction)}] ${Math.round(fraction * 100)}% ${formatBytes(loaded)} / ${formatBytes(total)}`;
    if (!this.spinner.isSpinning) this.spinner.start();
  }

  override uploaded(relativePath: string, bytes: number): void {
    this.spinner.stop();
    super.uploaded(relativePath, bytes);
  }

  override progress(resource: DeploymentResource, elapsedMs: number): void {
    super.progress(resource, elapsedMs);
    this.spinner.text = `${progressLine(resource)} ${elapsedLabel(elapsedMs)}`;
    if (!this.spinner.isSpinning) this.spinner.start();
  }

  override finished(resource: DeploymentResource | null, exitCode: ExitCode): void {
    if (this.spinner.isSpinning) {
      if (exitCode === 0) this.spinner.succeed(resource?.status ?? "done");
      else this.spinner.fail(resource?.status ?? "failed");
    }
    super.finished(resource, exitCode);
  }

  override failed(message: string, exitCode: ExitCode, details?: readonly string[]): void {
    if (this.spinner.isSpinning) this.spinner.stop();
    super.failed(message, exitCode, details);
  }
}
