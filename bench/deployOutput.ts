/**
 * The parts of a finished deploy's output the bench reads (its own narrow view, so the bench does
 * not compile against product types other engineers are changing).
 */
import type { InstanceStatus } from "../src/local/engine/api.js";

/** One step of the deploy timeline. */
export interface StepView {
  name: string;
  status: string;
  startedAt?: string;
  finishedAt?: string;
}

/** The deploy's output fields the bench reads. */
export interface DeployOutputView {
  outcome?: string;
  reason?: string;
  newRevision?: string;
  steps: StepView[];
}

/** The deploy's output, or an empty view when it has none (failed orchestrations). */
export function deployOutputOf(status: InstanceStatus): DeployOutputView {
  const output = status.output;
  if (typeof output !== "object" || output === null || !Array.isArray((output as { steps?: unknown }).steps)) return { steps: [] };
  return output as DeployOutputView;
}

/** The named step, if the timeline has it. */
export function stepOf(view: DeployOutputView, name: string): StepView | undefined {
  return view.steps.find((step) => step.name === name);
}

/** "12 Succeeded, 1 Failed" from a list of outcomes (a failed instance counts under its runtime status). */
export function countOutcomes(outcomes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  return [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(", ");
}
