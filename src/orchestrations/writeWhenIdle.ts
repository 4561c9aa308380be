/**
 * Writes to the app that wait, with durable timers, while ARM reports that an earlier operation
 * (typically this deploy's own PATCH) is still in progress.
 */
import type { ActivityInput, ActivityOutput } from "../activities/contracts.js";
import { pollDelaySeconds } from "../policies/pollSchedule.js";
import { sleep, type Failed, type Flow } from "./calls.js";
import type { DeployRun } from "./deployRun.js";

/** ARM's answer while an earlier operation on the app is still running. */
export const APP_BUSY = "ContainerAppOperationInProgress";
/** How many times a write waits for the app to become idle before giving up. */
export const MAX_BUSY_WAITS = 12;

/** The activities that write to the app. */
export type AppWrite = "updateContainerApp" | "moveTraffic";

/** Calls a write activity, waiting while the app is busy. */
export function* writeWhenIdle<N extends AppWrite>(run: DeployRun, activity: N, input: ActivityInput<N>): Flow<ActivityOutput<N> | Failed> {
  for (let attempt = 0; ; attempt++) {
    const result = yield* run.activity(activity, input);
    if (result.ok || result.failure.code !== APP_BUSY || attempt >= MAX_BUSY_WAITS) return result;
    const delay = pollDelaySeconds(run.input.settings.deployPoll, attempt);
    yield* sleep(run.context, new Date(run.now().getTime() + delay * 1000));
  }
}
