/**
 * Inputs of the auto-rollout orchestrations. The orchestrator cannot read the environment, so the
 * target (as loaded when the push arrived) and the debounce window travel in the input.
 */
import type { RegistryPush } from "../domain/autoRollout.js";
import type { TargetDefinition } from "../domain/target.js";

/** Input of `autoRolloutPush`: one push for one target. */
export interface AutoRolloutPushInput {
  target: TargetDefinition;
  push: RegistryPush;
  debounceSeconds: number;
}

/** Input of `autoRolloutScan`: one target to reconcile. */
export interface AutoRolloutScanInput {
  target: TargetDefinition;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function isTarget(value: unknown): value is TargetDefinition {
  return isObject(value) && typeof value.name === "string" && isObject(value.image) && isObject(value.containerApp);
}

/** Checks the shape the HTTP and timer functions start these with (they build it from validated parts). */
export function isPushInput(value: unknown): value is AutoRolloutPushInput {
  return isObject(value) && isTarget(value.target) && isObject(value.push) && typeof value.push.digest === "string" && typeof value.debounceSeconds === "number";
}

/** Checks the scan's input shape. */
export function isScanInput(value: unknown): value is AutoRolloutScanInput {
  return isObject(value) && isTarget(value.target);
}
