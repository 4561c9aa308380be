/**
 * The steps a run executes, as its log names them: for a task (YAML v1.1.0) each entry of `steps:`
 * with its `id` (acr-builder names an unnamed step `acb_step_<index>`) and its `timeout` after
 * `{{.Values.x}}` substitution (acr-builder's default, 600 s, when absent); a quick build
 * (DockerBuildRequest, or a task file the sandbox cannot read) is one step `build` bounded by the
 * run's own timeout. A line-based reading, like the rest of the sandbox's YAML handling.
 */
import { substituteRunVariables, type ParsedRunRequest } from "./runRequest.js";

/** One executed step. */
export interface TaskStep {
  id: string;
  timeoutSeconds: number;
}

/** ACR's default run timeout (`RunRequest.timeout`), seconds. */
export const DEFAULT_RUN_TIMEOUT_SECONDS = 3600;
/** acr-builder's default step timeout, seconds. */
export const DEFAULT_STEP_TIMEOUT_SECONDS = 600;

/** The run's timeout: the request's `timeout`, else ACR's default. */
export function runTimeoutSeconds(request: ParsedRunRequest): number {
  const timeout = request.raw.timeout;
  return typeof timeout === "number" && Number.isInteger(timeout) && timeout > 0 ? timeout : DEFAULT_RUN_TIMEOUT_SECONDS;
}

/** The steps of the run's task, in order. */
export function taskSteps(request: ParsedRunRequest, run: { runId: string; loginServer: string }): TaskStep[] {
  const quickBuild = [{ id: "build", timeoutSeconds: runTimeoutSeconds(request) }];
  if (request.taskYaml === undefined) return quickBuild;
  const lines = substituteRunVariables(request.taskYaml, request.values, run).split(/\r?\n/);
  const stepsAt = lines.findIndex((line) => /^\s*steps\s*:\s*$/.test(line));
  if (stepsAt < 0) return quickBuild;
  const stepsIndent = indentOf(lines[stepsAt] ?? "");
  const steps: { id?: string; timeoutSeconds?: number }[] = [];
  let itemIndent: number | undefined;
  for (const line of lines.slice(stepsAt + 1)) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const indent = indentOf(line);
    const item = /^\s*-\s+(.*)$/.exec(line);
    // A key at or left of `steps:` ends the list (a dash may sit at the same column in YAML).
    if (indent < stepsIndent || (indent === stepsIndent && !item)) break;
    if (item && (itemIndent === undefined || indent === itemIndent)) {
      itemIndent = indent;
      steps.push({});
    }
    // A step's own keys: on its dash line, or aligned just after the dash (not nested deeper).
    const ownKey = item ? indent === itemIndent : indent === (itemIndent ?? 0) + 2;
    const field = /^\s*(?:-\s+)?(id|timeout)\s*:\s*['"]?([^'"#\s]+)/.exec(line);
    const current = steps.at(-1);
    if (!field || !current || !ownKey) continue;
    if (field[1] === "id") current.id ??= field[2];
    else if (/^\d+$/.test(field[2] ?? "")) current.timeoutSeconds ??= Number(field[2]);
  }
  if (steps.length === 0) return quickBuild;
  return steps.map((step, index) => ({ id: step.id ?? `acb_step_${index}`, timeoutSeconds: step.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS }));
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
