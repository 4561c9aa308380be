/**
 * `scheduleBuild`: schedules the ACR Tasks run that builds the deploy's image (the fixed task of
 * `build/encodedTask.ts`, values only) and returns its run id at once; the orchestrator follows the
 * run with `getBuildRun` on durable timers rather than holding a worker.
 *
 * Run id without waiting for the run: `Registries_ScheduleRun` is an ARM long-running operation
 * whose result is the queued Run, and it completes as soon as the run is queued, not when the run
 * ends. `beginScheduleRun` (arm-containerregistry 11, core-lro 2) sends the POST and reads the first
 * response before returning; ACR answers 200 with the Run body, so the poller is already done and
 * `getResult()` holds the run id. Only if ACR answered 202 do we poll that operation (bounded) for it.
 *
 * Idempotency: ACR has no client-chosen run id, so scheduling is at-least-once. Within the activity
 * nothing is retried after ACR accepted the request: once a response carried a run, a later problem
 * is reported as an outcome, never thrown. Duplicates remain possible when a request reached ACR but
 * its answer did not reach us (the SDK retries 5xx/network errors of the POST itself, and a thrown
 * transient fault makes the orchestrator call the activity again). A duplicate run builds the same
 * source with the same values and pushes the same tags, so it only costs agent minutes; the
 * orchestrator follows the run id it was given and deploys by the digest it resolves from the
 * unique result tag when that run has succeeded, so a later push by a duplicate cannot change what
 * was deployed.
 */
import type { EncodedTaskRunRequest, Run } from "@azure/arm-containerregistry";
import { buildArgValueProblem, type BuildArg } from "../domain/deployment.js";
import { buildEncodedTask, InvalidBuildTaskInputError, type ResolvedBuildArg } from "./build/encodedTask.js";
import type { ScheduleBuildInput, ScheduleBuildOutput } from "./contracts.js";
import { failureOrThrow, redactUrls } from "./azureErrors.js";
import { activityServices, DEFAULT_LRO_POLL_INTERVAL_MS, type ActivityServices } from "./services.js";

/** How long to poll a ScheduleRun operation that ACR answered with 202 (it ends once the run is queued). */
const SCHEDULE_OPERATION_LIMIT_MS = 60_000;

/** Build args with their values, or why a secret one cannot be read (names the setting, never a value). */
export type ResolvedBuildArgs = { ok: true; args: ResolvedBuildArg[] } | { ok: false; failure: { code: "BuildSecretMissing" | "BuildSecretInvalid"; message: string } };

/**
 * Reads each secret build arg's value from its app setting. This happens here, in the activity, and
 * only here: the value goes to ACR as an `isSecret` value and is never returned, so it stays out of
 * the orchestration's input, history, status and output. An empty setting counts as missing.
 */
export function resolveBuildArgs(buildArgs: readonly BuildArg[], env: NodeJS.ProcessEnv = process.env): ResolvedBuildArgs {
  const args: ResolvedBuildArg[] = [];
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const arg of buildArgs) {
    if (arg.fromSetting === undefined) {
      args.push({ name: arg.name, value: arg.value ?? "", secret: false });
      continue;
    }
    const value = env[arg.fromSetting];
    if (value === undefined || value === "") missing.push(`${arg.fromSetting} (build arg ${arg.name})`);
    else if (buildArgValueProblem(value) !== undefined) invalid.push(`${arg.fromSetting} (build arg ${arg.name}): ${buildArgValueProblem(value)}`);
    else args.push({ name: arg.name, value, secret: true });
  }
  if (missing.length > 0) return { ok: false, failure: { code: "BuildSecretMissing", message: `App setting not set for a secret build arg: ${missing.join(", ")}` } };
  if (invalid.length > 0) return { ok: false, failure: { code: "BuildSecretInvalid", message: `App setting cannot be a build-arg value: ${invalid.join("; ")}` } };
  return { ok: true, args };
}

/** The `Registries_ScheduleRun` body for a deploy's build, with the build args already resolved. */
export function scheduleRunRequest(input: ScheduleBuildInput, buildArgs: ResolvedBuildArg[]): { request: EncodedTaskRunRequest; resultTag: string } {
  const task = buildEncodedTask({ deploymentId: input.deploymentId, image: { repository: input.repository, tag: input.tag }, build: { ...input.build, buildArgs } });
  const request: EncodedTaskRunRequest = {
    type: "EncodedTaskRunRequest",
    encodedTaskContent: Buffer.from(task.taskYaml, "utf8").toString("base64"),
    values: task.values.map((value) => ({ name: value.name, value: value.value, isSecret: value.isSecret })),
    platform: { ...task.platform },
    timeout: task.timeoutSeconds,
    sourceLocation: task.sourceLocation,
    // The run log is read through its SAS link; an archived copy in the registry is not needed.
    isArchiveEnabled: false,
  };
  return { request, resultTag: task.resultTag };
}

function runIdOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const run = body as { runId?: unknown; name?: unknown; properties?: { runId?: unknown } };
  const id = run.runId ?? run.properties?.runId ?? run.name;
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

/** Schedules the build run; the run id comes back as soon as ACR has queued it. Secret build args are read from `env`. */
export async function scheduleBuild(input: ScheduleBuildInput, services: ActivityServices, env: NodeJS.ProcessEnv = process.env): Promise<ScheduleBuildOutput> {
  const resolved = resolveBuildArgs(input.build.buildArgs, env);
  if (!resolved.ok) return { ok: false, failure: resolved.failure };
  let prepared: ReturnType<typeof scheduleRunRequest>;
  try {
    prepared = scheduleRunRequest(input, resolved.args);
  } catch (error) {
    if (error instanceof InvalidBuildTaskInputError) return { ok: false, failure: { code: "InvalidBuildInput", message: error.message } };
    throw error;
  }
  const { registry } = input;
  const client = services.azure.containerRegistry(registry.subscriptionId);
  const action = `schedule an ACR Tasks run on registry ${registry.name}`;

  let firstBody: unknown;
  let poller: Awaited<ReturnType<typeof client.registries.beginScheduleRun>>;
  try {
    poller = await client.registries.beginScheduleRun(registry.resourceGroup, registry.name, prepared.request, {
      updateIntervalInMs: services.lroPollIntervalMs ?? DEFAULT_LRO_POLL_INTERVAL_MS,
      onResponse: (raw) => {
        firstBody ??= raw.parsedBody;
      },
    });
  } catch (error) {
    return { ok: false, failure: failureOrThrow(error, action) };
  }

  // ACR accepted the request: from here on nothing throws, so the orchestrator never schedules twice.
  let run: Run | undefined = poller.isDone() ? poller.getResult() : undefined;
  let runId = run?.runId ?? runIdOf(firstBody);
  if (runId === undefined && !poller.isDone()) {
    try {
      run = await poller.pollUntilDone({ abortSignal: AbortSignal.timeout(SCHEDULE_OPERATION_LIMIT_MS) });
      runId = run.runId;
    } catch (error) {
      const message = redactUrls(error instanceof Error ? error.message : String(error));
      return { ok: false, failure: { code: "ScheduleRunUnconfirmed", message: `ACR accepted the run request but did not report the run: ${message}` } };
    }
  }
  if (runId === undefined) {
    return { ok: false, failure: { code: "ScheduleRunUnconfirmed", message: "ACR accepted the run request but its answer named no run id." } };
  }
  return { ok: true, runId, resultTag: prepared.resultTag };
}

/** The function the host invokes for `scheduleBuild` (registered by src/functions/registration/activities.ts, loaded on first call). */
export function scheduleBuildActivity(input: ScheduleBuildInput) {
  return scheduleBuild(input, activityServices());
}
