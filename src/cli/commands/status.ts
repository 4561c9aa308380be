/** `aca-rollout status <id>`: one deployment's status and steps (or its JSON), optionally followed to the end. */
import { orchestratorClient } from "../api/orchestratorClient.js";
import { EXIT, type ExitCode } from "../core/exitCodes.js";
import { FINAL_STATUSES, followDeployment } from "./follow.js";
import type { CliIo } from "../core/io.js";
import { finalLines, PlainReporter } from "../output/reporter.js";
import { CLI_ENV, connectionOf, numberSetting, type ConnectionOptions } from "../core/settings.js";
import { exitCodeOf, reportError } from "./deploy.js";

/** The options `status` takes. */
export interface StatusOptions extends ConnectionOptions {
  json?: boolean;
  wait?: boolean;
  cancelOnInterrupt?: boolean;
  pollSeconds?: string;
}

/** Runs `status`; exit 0 while running or Succeeded, 1 for another final status, 2 for usage errors or an unknown id. */
export async function statusCommand(id: string, options: StatusOptions, io: CliIo): Promise<ExitCode> {
  const reporter = new PlainReporter(io.stdout, io.stderr);
  try {
    const client = orchestratorClient(connectionOf(options, io));
    let resource = await client.deployment(id);
    if (options.wait === true && !FINAL_STATUSES.has(resource.status)) {
      const pollMs = numberSetting(options.pollSeconds, CLI_ENV.pollSeconds, io, 2) * 1000;
      // With --json only the final document goes to stdout.
      const quiet = options.json === true ? new PlainReporter({ write: () => {}, isTTY: false }, io.stderr) : reporter;
      const followed = await followDeployment(client, id, io, quiet, { pollMs, cancelOnInterrupt: options.cancelOnInterrupt === true });
      if (followed.kind === "detached") return EXIT.interrupted;
      resource = followed.resource;
    }
    if (options.json === true) io.stdout.write(`${JSON.stringify(resource, null, 2)}\n`);
    else finalLines(resource).forEach((line) => io.stdout.write(`${line}\n`));
    return FINAL_STATUSES.has(resource.status) ? exitCodeOf(resource.status) : EXIT.ok;
  } catch (error) {
    return reportError(error, reporter);
  }
}
