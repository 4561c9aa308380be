/** `aca-rollout lint`: the Dockerfile cache lint on a context, as text or JSON; exit 1 when it finds something. */
import { resolve } from "node:path";
import { lintDockerfile } from "../../policies/dockerfileLint.js";
import { ContextError } from "../context/contextError.js";
import { packContext } from "../context/packContext.js";
import { EXIT, type ExitCode } from "../core/exitCodes.js";
import type { CliIo } from "../core/io.js";
import { lintLines } from "../output/format.js";

/** The options `lint` takes. */
export interface LintOptions {
  context: string;
  dockerfile: string;
  json?: boolean;
}

/** Runs `lint`. */
export async function lintCommand(options: LintOptions, io: CliIo): Promise<ExitCode> {
  let packed;
  try {
    packed = await packContext({ context: resolve(io.cwd, options.context), dockerfile: options.dockerfile });
  } catch (error) {
    if (!(error instanceof ContextError)) throw error;
    io.stderr.write(`error: ${error.message}\n`);
    return EXIT.usage;
  }
  const report = lintDockerfile(packed.dockerfileText, { dockerfile: options.dockerfile, context: packed.lintContext });
  if (options.json === true) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else lintLines(report).forEach((line) => io.stdout.write(`${line}\n`));
  return report.findings.length === 0 ? EXIT.ok : EXIT.failed;
}
