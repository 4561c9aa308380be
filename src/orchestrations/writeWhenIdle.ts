/**
 * Writes to the app that wait, with durable timers, while ARM reports that an earlier operation
 * (typically this deploy's own PATCH) is still in progress: any code of `APP_BUSY_CODES` with a 409.
 * Any other 409 is a failure that keeps its code.
 */
import type { ActivityInput, ActivityOutput } from "../activities/contracts.js";
import { isAppBusyCode } from "../domain/appBusyCodes.js";
import { pollDelaySeconds } from "../policies/pollSchedule.js";
import { sleep, sleepUnlessCanceled, type Failed, type Flow } from "./calls.js";
import type { DeployRun } from "./deployRun.js";

/** How many times a write waits for the app to become idle before giving up. */
export const MAX_BUSY_WAITS = 12;

/** The activities that write to the app. */
export type AppWrite = "updateContainerApp" | "moveTraffic";

/** A write that a cancel stopped while it waited for the app: nothing was written. */
export interface WriteCanceled extends Failed {
  canceled: true;
}

/** The write's answer, or {@link WriteCanceled} (only when cancelable). */
export type WriteResult<N extends AppWrite> = ActivityOutput<N> | Failed | WriteCanceled;

/**
 * Calls a write activity, waiting while the app is busy. With `cancelable`, a cancel ends a wait
 * between attempts; a write that has been sent is never abandoned.
 */
export function* writeWhenIdle<N extends AppWrite>(run: DeployRun, activity: N, input: ActivityInput<N>, cancelable: boolean): Flow<WriteResult<N>> {
  for (let attempt = 0; ; attempt++) {
    const result = yield* run.activity(activity, input);
    if (result.ok || result.failure.statusCode !== 409 || !isAppBusyCode(result.failure.code) || attempt >= MAX_BUSY_WAITS) return result;
    const fireAt = new Date(run.now().getTime() + pollDelaySeconds(run.input.settings.deployPoll, attempt) * 1000);
    if (!cancelable) yield* sleep(run.context, fireAt);
    else if (yield* sleepUnlessCanceled(run.context, fireAt, run.cancel)) {
      return { ok: false, canceled: true, failure: { code: "DeployCanceled", message: `canceled by request while waiting for ${run.input.target.containerApp} to be idle; nothing was written` } };
    }
  }
}
