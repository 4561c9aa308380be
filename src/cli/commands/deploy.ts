/**
 * `aca-rollout deploy`: lint the Dockerfile, pack the context, skip when nothing changed since the
 * target's last known good, upload, start the deploy with the uploaded context, and follow it.
 */
import { lintDockerfile } from "../../policies/dockerfileLint.js";
import { ApiProblem, orchestratorClient, UnreachableError, type OrchestratorClient } from "../api/orchestratorClient.js";
import { uploadArchive } from "../api/uploadArchive.js";
import { ContextError } from "../context/contextError.js";
import { packContext } from "../context/packContext.js";
import { EXIT, UsageError, type ExitCode } from "../core/exitCodes.js";
import { followDeployment } from "./follow.js";
import type { CliIo } from "../core/io.js";
import { JsonReporter } from "../output/jsonReporter.js";
import { PlainReporter, type DeployReporter } from "../output/reporter.js";
import { CLI_ENV, connectionOf, numberSetting, type ConnectionOptions } from "../core/settings.js";
import { resolve } from "node:path";

/** The options `deploy` takes (commander's parsed values). */
export interface DeployOptions extends ConnectionOptions {
  target?: string;
  context: string;
  dockerfile: string;
  tag?: string;
  wait: boolean;
  json?: boolean;
  force?: boolean;
  cancelOnInterrupt?: boolean;
  warnContextMb?: string;
  pollSeconds?: string;
}

/** The exit code of a deploy that ended in `status`. */
export function exitCodeOf(status: string): ExitCode {
  return status === "Succeeded" ? EXIT.ok : EXIT.failed;
}

/** The tag a build pushes when `--tag` is not given: named after the context, so equal contexts share it. */
export function defaultTag(contentHash: string): string {
  return `ctx-${contentHash.slice("sha256:".length, "sha256:".length + 12)}`;
}

async function reporterFor(options: DeployOptions, io: CliIo, target: string): Promise<DeployReporter> {
  if (options.json === true) return new JsonReporter(io.stdout, target);
  if (io.stdout.isTTY) {
    const { createTtyReporter } = await import("../output/ttyReporter.js");
    return createTtyReporter(io.stdout, io.stderr);
  }
  return new PlainReporter(io.stdout, io.stderr);
}

/** The digest and deploy the target's current image came from, when that deploy recorded `contentHash`. */
async function unchangedSince(client: OrchestratorClient, target: string, contentHash: string): Promise<{ digest: string; deploymentId: string } | null> {
  const resource = await client.target(target);
  const good = resource.lastKnownGood;
  if (good?.deploymentId === undefined || good.digest === undefined) return null;
  const deployment = await client.deployment(good.deploymentId).catch((error: unknown) => {
    // A purged deploy cannot say what it built: deploy again.
    if (error instanceof ApiProblem && error.status === 404) return null;
    throw error;
  });
  return deployment?.contentHash === contentHash ? { digest: good.digest, deploymentId: good.deploymentId } : null;
}

function configuredDockerfile(configuration: Record<string, unknown>): string | undefined {
  const build = configuration.build;
  if (typeof build !== "object" || build === null || !("dockerfile" in build)) return undefined;
  return typeof build.dockerfile === "string" ? build.dockerfile : undefined;
}

/** Runs `deploy`; returns the exit code. */
export async function deployCommand(options: DeployOptions, io: CliIo): Promise<ExitCode> {
  const target = options.target ?? io.env[CLI_ENV.target];
  const reporter = await reporterFor(options, io, target ?? "");
  try {
    if (target === undefined || target === "") throw new UsageError(`a target is required: --target <name> or ${CLI_ENV.target}`);
    const connection = connectionOf(options, io);
    const warnAboveBytes = numberSetting(options.warnContextMb, CLI_ENV.warnContextMb, io, 100) * 1024 * 1024;
    const pollMs = numberSetting(options.pollSeconds, CLI_ENV.pollSeconds, io, 2) * 1000;
    const client = orchestratorClient(connection);

    // 1. Pack (the lint needs the context's file list), then lint.
    const packed = await packContext({ context: resolve(io.cwd, options.context), dockerfile: options.dockerfile });
    reporter.lint(lintDockerfile(packed.dockerfileText, { dockerfile: options.dockerfile, context: packed.lintContext }));
    reporter.context(packed, warnAboveBytes);

    // 2. Nothing changed since the image running now?
    const targetResource = await client.target(target);
    if (options.force !== true) {
      const same = await unchangedSince(client, target, packed.contentHash);
      if (same !== null) {
        reporter.unchanged(same.digest, same.deploymentId);
        reporter.finished(null, EXIT.ok);
        return EXIT.ok;
      }
    }

    // 3. Upload.
    const slot = await client.createUpload(target);
    await uploadArchive(slot.uploadUrl, packed.archive, {
      onProgress: (loaded) => reporter.uploadProgress(loaded, packed.archive.length),
      ...(connection.caPem !== undefined ? { caPem: connection.caPem } : {}),
    });
    reporter.uploaded(slot.relativePath, packed.archive.length);

    // 4. Start the deploy with the uploaded context.
    const dockerfile = configuredDockerfile(targetResource.configuration) === packed.dockerfileInArchive ? undefined : packed.dockerfileInArchive;
    const accepted = await client.startDeployment({
      target,
      tag: options.tag ?? defaultTag(packed.contentHash),
      build: { source: { kind: "upload", relativePath: slot.relativePath, contentHash: packed.contentHash }, ...(dockerfile !== undefined ? { dockerfile } : {}) },
    });
    reporter.started(accepted.id, accepted.statusUrl);
    if (!options.wait) {
      reporter.finished(null, EXIT.ok);
      return EXIT.ok;
    }

    // 5. Follow it to the end.
    const followed = await followDeployment(client, accepted.id, io, reporter, { pollMs, cancelOnInterrupt: options.cancelOnInterrupt === true });
    if (followed.kind === "detached") {
      reporter.failed(`stopped following; deployment ${accepted.id} is still running: ${accepted.statusUrl}`, EXIT.interrupted);
      return EXIT.interrupted;
    }
    const code = exitCodeOf(followed.resource.status);
    reporter.finished(followed.resource, code);
    return code;
  } catch (error) {
    return reportError(error, reporter);
  }
}

/** Reports an error and returns its exit code: usage, configuration and API refusals are 2; anything else 1. */
export function reportError(error: unknown, reporter: Pick<DeployReporter, "failed">): ExitCode {
  if (error instanceof UsageError || error instanceof ContextError || error instanceof UnreachableError) {
    reporter.failed(error.message, EXIT.usage);
    return EXIT.usage;
  }
  if (error instanceof ApiProblem) {
    const code = error.status >= 500 ? EXIT.failed : EXIT.usage;
    reporter.failed(`${error.message} (HTTP ${error.status})`, code, error.errors.map((e) => `${e.pointer || "/"}: ${e.detail}`));
    return code;
  }
  reporter.failed(error instanceof Error ? error.message : String(error), EXIT.failed);
  return EXIT.failed;
}
