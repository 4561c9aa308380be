/**
 * The `aca-rollout` command line: commander's program with `deploy`, `status` and `lint`. Each
 * command's module is imported only when that command runs, so `--help` loads commander and nothing
 * else (no Azure SDK, no tar, no spinner).
 */
import { Command, CommanderError, Option } from "commander";
import { EXIT, type ExitCode } from "./core/exitCodes.js";
import type { CliIo } from "./core/io.js";
import { CLI_ENV, DEFAULT_URL } from "./core/settings.js";

const ENV_HELP = `
Environment variables (an option wins over its variable):
  ${CLI_ENV.url.padEnd(28)} orchestrator base URL (default ${DEFAULT_URL})
  ${CLI_ENV.key.padEnd(28)} function key
  ${CLI_ENV.target.padEnd(28)} target name
  ${CLI_ENV.caFile.padEnd(28)} extra CA certificate (PEM) for HTTPS (the sandbox's)
  ${CLI_ENV.warnContextMb.padEnd(28)} list the 10 largest files above this context size (default 100)
  ${CLI_ENV.pollSeconds.padEnd(28)} seconds between status polls (default 2)

Exit codes: 0 succeeded (or nothing changed), 1 failed/rolled back/canceled, 2 usage or configuration error, 130 interrupted and left running.`;

function connectionOptions(command: Command): Command {
  return command
    .option("--url <url>", `orchestrator base URL [${CLI_ENV.url}]`)
    .option("--key <key>", `function key [${CLI_ENV.key}]`)
    .option("--ca-file <pem>", `extra CA certificate to trust [${CLI_ENV.caFile}]`);
}

/** Runs the CLI with `argv` (without `node` and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const program = new Command("aca-rollout")
    .description("Build and deploy a folder to Azure Container Apps through the aca-rollout orchestrator.")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError()
    .addHelpText("after", ENV_HELP);

  connectionOptions(
    program
      .command("deploy")
      .description("Lint the Dockerfile, pack and upload the context, build it with ACR Tasks and deploy it; follows the deploy to the end")
      .option("--target <name>", `the target to deploy [${CLI_ENV.target}]`)
      .option("--context <dir>", "the build context folder", ".")
      .option("--dockerfile <path>", "the Dockerfile, relative to the context", "Dockerfile")
      .option("--tag <tag>", "the tag the build pushes (default: ctx-<first 12 hex digits of the content hash>)")
      .option("--no-wait", "start the deploy and exit without following it")
      .option("--json", "print one JSON document when done, nothing else on stdout")
      .option("--force", "deploy even when nothing changed since the running image")
      .option("--cancel-on-interrupt", "on Ctrl-C cancel the deploy without asking")
      .addOption(new Option("--warn-context-mb <mb>", `list the 10 largest files above this context size [${CLI_ENV.warnContextMb}]`))
      .addOption(new Option("--poll-seconds <s>", `seconds between status polls [${CLI_ENV.pollSeconds}]`).hideHelp()),
  ).action(async (options: import("./commands/deploy.js").DeployOptions) => {
    const { deployCommand } = await import("./commands/deploy.js");
    exitCode = await deployCommand(options, io);
  });

  connectionOptions(
    program
      .command("status")
      .description("Show a deployment's status and steps")
      .argument("<id>", "the deployment id")
      .option("--json", "print the deployment resource as JSON")
      .option("--wait", "follow it until it ends")
      .option("--cancel-on-interrupt", "with --wait: on Ctrl-C cancel the deploy without asking")
      .addOption(new Option("--poll-seconds <s>", "seconds between status polls").hideHelp()),
  ).action(async (id: string, options: import("./commands/status.js").StatusOptions) => {
    const { statusCommand } = await import("./commands/status.js");
    exitCode = await statusCommand(id, options, io);
  });

  program
    .command("lint")
    .description("Check the Dockerfile and context against the layer-caching practices (exit 1 when something is found)")
    .option("--context <dir>", "the build context folder", ".")
    .option("--dockerfile <path>", "the Dockerfile, relative to the context", "Dockerfile")
    .option("--json", "print the report as JSON")
    .action(async (options: import("./commands/lint.js").LintOptions) => {
      const { lintCommand } = await import("./commands/lint.js");
      exitCode = await lintCommand(options, io);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with code 0; anything else commander refuses is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  return exitCode;
}
