/**
 * The Event Grid trigger for `Microsoft.ContainerRegistry.ImagePushed`. The host's Event Grid
 * extension answers the subscription handshake and hands each event to this function; an event that
 * is not an ImagePushed, or is malformed, is logged and dropped (throwing would only make Event Grid
 * retry it for 24 h). A failure to hand a push on throws, so Event Grid redelivers it; a redelivery
 * is deduped downstream.
 */
import type { InvocationContext } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { currentSettings } from "../../config/settings.js";
import { currentTargets } from "../../config/targets.js";
import { describePush, takePush } from "./pushIntake.js";
import { readEventGridEvent } from "./pushPayload.js";

/** Handles one event. */
export async function eventGridPush(event: unknown, context: InvocationContext, client: DurableClient): Promise<void> {
  let read;
  try {
    read = await readEventGridEvent(event);
  } catch (error) {
    context.warn(`Event Grid event dropped: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (read.kind === "ignored") {
    context.log(`Event Grid event ignored: ${read.reason}`);
    return;
  }
  const targets = currentTargets();
  if (!targets.ok) {
    context.warn(`Event Grid push ${describePush(read.push)} ignored: the targets configuration is invalid`);
    return;
  }
  const settings = currentSettings();
  const result = await takePush(client, read.push, targets.targets, settings.ok ? settings.settings.autoRollout.debounceSeconds : 10);
  const what = describePush(read.push);
  if (result.kind === "started") context.log(`Event Grid push ${what} handed to auto-rollout for target(s) ${result.targets.join(", ")}`);
  else if (result.kind === "noTarget") context.log(`Event Grid push ${what} ignored: no target with auto-rollout on follows this registry and repository`);
  else context.log(`Event Grid push ${what}: ${result.outcome.raised ? "its deploy's build wait was told" : result.outcome.detail}`);
}
