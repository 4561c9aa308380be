/** Entity names and keys, shared by orchestrations, entities and the HTTP API. */
import type { DeploymentTarget } from "../domain/deployment.js";

/** Entity function names. */
export const ENTITIES = {
  deployTarget: "deployTarget",
  notifyChannel: "notifyChannel",
  autoRollout: "autoRollout",
} as const;

/** The `autoRollout` key for a target: its name (target names are already lowercase and unique). */
export function autoRolloutKey(targetName: string): string {
  return targetName;
}

/**
 * The `deployTarget` key for an app: `<subscription>_<resourceGroup>_<app>`, lowercased because ARM
 * names are case-insensitive. App names cannot contain `_`, so the last `_` splits it unambiguously.
 */
export function targetKey(target: Pick<DeploymentTarget, "subscriptionId" | "resourceGroup" | "containerApp">): string {
  return `${target.subscriptionId}_${target.resourceGroup}_${target.containerApp}`.toLowerCase();
}
