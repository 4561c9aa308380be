/**
 * The text log of a simulated run, in the format `az acr run` prints. Every line carries the time it
 * is written, so the log "grows" with the clock: while a run is queued or running, only the lines up
 * to now are shown. Steps are the task's own (`taskSteps.ts`: ids and timeouts as the task names
 * them); the last one is the build, whose output a planned failure replaces with the scenario's text.
 */
import type { ImageRef } from "./runRequest.js";
import { DEFAULT_RUN_TIMEOUT_SECONDS, type TaskStep } from "./taskSteps.js";

/** Final statuses a run can reach without being canceled. */
export type FinalRunStatus = "Succeeded" | "Failed" | "Error" | "Timeout";

/**
 * The `Complete` metadata ACR sets on a run's log blob once the run is final, by the run's ARM status.
 * Its values are the ones azure-cli's `az acr` log streaming checks
 * (src/azure-cli/azure/cli/command_modules/acr/_stream_utils.py: `_get_run_status(metadata).lower()`
 * compared with 'internalerror', 'failed', 'timedout', 'canceled'; anything else counts as success),
 * so `Timeout` is marked `TimedOut` and `Error` `InternalError`. Undefined while the run is not final.
 */
export function logCompleteMark(status: string): string | undefined {
  const marks: Record<string, string> = { Succeeded: "Succeeded", Failed: "Failed", Canceled: "Canceled", Timeout: "TimedOut", Error: "InternalError" };
  return marks[status];
}

/** One line and when it appears. */
export interface LogLine {
  at: number;
  text: string;
}

/** What the log generator needs to know about a run. */
export interface RunLogFacts {
  runId: string;
  loginServer: string;
  createdAt: number;
  startAt: number;
  finishAt: number;
  outcome: FinalRunStatus;
  /** Scenario text for the build section (failure output); default build output when absent. */
  customText: string | undefined;
  /** BuildKit's output of a build from an uploaded Dockerfile, at ms offsets from `startAt`; a fixed sample otherwise. */
  buildOutput?: { at: number; text: string }[] | undefined;
  images: (ImageRef & { digest: string })[];
  /** The task's steps in order; the last one builds (and fails, when the run fails). */
  steps: TaskStep[];
}

function stamp(at: number): string {
  // ACR prints `2026/01/01 00:00:03`.
  return new Date(at).toISOString().replace("T", " ").slice(0, 19).replace(/-/g, "/");
}

/** Every line of a run's log, in order, stamped with the time it appears. */
export function runLogLines(run: RunLogFacts): LogLine[] {
  const lines: LogLine[] = [
    { at: run.createdAt, text: `Queued a run with ID: ${run.runId}` },
    { at: run.createdAt, text: "Waiting for an agent..." },
  ];
  const span = Math.max(1, run.finishAt - run.startAt);
  const step = (fraction: number, text: string): void => {
    const at = run.startAt + Math.floor(span * fraction);
    lines.push({ at, text: `${stamp(at)} ${text}` });
  };
  step(0, "Downloading source code...");
  step(0.05, "Finished downloading source code");
  step(0.08, `Logging in to registry: ${run.loginServer}`);
  step(0.1, `Successfully logged into ${run.loginServer}`);
  const steps = run.steps.length > 0 ? run.steps : [{ id: "build", timeoutSeconds: DEFAULT_RUN_TIMEOUT_SECONDS }];
  const build = steps[steps.length - 1]!;
  const executing = (at: number, task: TaskStep): void =>
    step(at, `Executing step ID: ${task.id}. Timeout(sec): ${task.timeoutSeconds}, Working directory: '', Network: 'acb_default_network'`);
  // Steps before the build (e.g. creating the buildx builder) take a sliver of the run each.
  steps.slice(0, -1).forEach((before, index) => {
    const at = 0.11 + (0.03 * index) / steps.length;
    executing(at, before);
    step(at + 0.01 / steps.length, `Successfully executed container: ${before.id}`);
    step(at + 0.01 / steps.length, `Step ID: ${before.id} marked as successful (elapsed time in seconds: ${((span * 0.01) / steps.length / 1000).toFixed(6)})`);
  });
  executing(0.14, build);
  const seconds = Math.round((run.finishAt - run.startAt) / 1000);

  if (run.customText !== undefined) {
    for (const text of run.customText.split(/\r?\n/)) lines.push({ at: run.finishAt, text });
    if (run.outcome !== "Succeeded") lines.push({ at: run.finishAt, text: `${stamp(run.finishAt)} Container failed during run: ${build.id}. No retries remaining.` });
  } else if (run.outcome === "Succeeded") {
    const buildOutput = [
      "#1 [internal] load build definition from Dockerfile",
      "#1 DONE 0.0s",
      "#2 [1/4] FROM docker.io/library/node:20-alpine",
      "#2 CACHED",
      "#3 [2/4] WORKDIR /app",
      "#3 CACHED",
      "#4 [3/4] COPY package*.json ./",
      "#4 CACHED",
      "#5 [4/4] COPY . .",
      "#5 DONE 0.4s",
      "#6 exporting to image",
      "#6 DONE 0.2s",
    ];
    if (run.buildOutput) {
      for (const line of run.buildOutput) lines.push({ at: Math.min(run.finishAt, run.startAt + line.at), text: line.text });
    } else {
      buildOutput.forEach((text, index) => {
        const at = run.startAt + Math.floor(span * (0.15 + (0.6 * index) / buildOutput.length));
        lines.push({ at, text });
      });
    }
    // After a Dockerfile build's own output, which runs to the end of the run.
    const after = (fraction: number, text: string): void => {
      if (run.buildOutput) lines.push({ at: run.finishAt, text: `${stamp(run.finishAt)} ${text}` });
      else step(fraction, text);
    };
    after(0.8, `Successfully executed container: ${build.id}`);
    for (const image of run.images) {
      after(0.85, `Pushing image: ${image.registry}/${image.repository}:${image.tag}, attempt 1`);
      after(0.9, `${image.tag}: digest: ${image.digest} size: 1573`);
      after(0.9, `Successfully pushed image: ${image.registry}/${image.repository}:${image.tag}`);
    }
    after(0.95, `Step ID: ${build.id} marked as successful (elapsed time in seconds: ${seconds})`);
  } else {
    lines.push({ at: run.finishAt, text: `${stamp(run.finishAt)} Container failed during run: ${build.id}. No retries remaining.` });
  }

  const verdict =
    run.outcome === "Succeeded"
      ? `Run ID: ${run.runId} was successful after ${seconds}s`
      : run.outcome === "Timeout"
        ? `Run ID: ${run.runId} failed after ${seconds}s. Error: the run timed out`
        : `Run ID: ${run.runId} failed after ${seconds}s. Error: failed during run, err: exit status 1`;
  lines.push({ at: run.finishAt, text: verdict });
  return lines;
}

/** The log text as it reads at `now` (a canceled run stops at its cancel time). */
export function runLogText(run: RunLogFacts, now: number, canceledAt?: number): string {
  const until = canceledAt !== undefined ? Math.min(now, canceledAt) : now;
  const shown = runLogLines(run).filter((line) => line.at <= until).map((line) => line.text);
  if (canceledAt !== undefined && canceledAt <= now && canceledAt < run.finishAt) shown.push(`Run ID: ${run.runId} was canceled`);
  return shown.length > 0 ? `${shown.join("\n")}\n` : "";
}
