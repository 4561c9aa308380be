import { runActivityFunction, failureFrom } from "./activityInvoker.js";
import { HistoryEvents } from "./history.js";
import { EngineScheduler } from "./engineScheduler.js";

/** Activities run and durable timers armed for orchestrations, reporting back as inbox messages. */
export abstract class EngineTimers extends EngineScheduler {
  // ---- activities and timers -----------------------------------------------------------------

  protected startActivity(instanceId: string, executionId: string, taskId: number, name: string, input: string | undefined): void {
    this.busy++;
    this.counters.activityInvocations++;
    void (async () => {
      try {
        const fn = this.registry.activity(name);
        const outcome = fn
          ? await runActivityFunction(name, () =>
              // The activity's input as the JSON the extension holds; its binding data names the calling instance.
              this.invokeDurable(fn, input === undefined || input === "" ? undefined : { json: input }, { instanceId: { string: instanceId } }),
            )
          : failureFrom("Activity", name, new Error(`The function '${name}' doesn't exist, is disabled, or is not an activity function.`));
        const at = this.clock.now();
        const event = outcome.ok ? HistoryEvents.taskCompleted(at, taskId, outcome.result) : HistoryEvents.taskFailed(at, taskId, outcome.reason, outcome.details, outcome.failureDetails);
        await this.send({ target: instanceId, executionId, sentAt: at, body: { type: "event", event } });
      } catch (error) {
        this.logger.log("error", `Recording the result of activity '${name}' for '${instanceId}' failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.busy--;
        this.maybeIdle();
      }
    })();
  }

  protected timerKey(instanceId: string, executionId: string, timerId: number): string {
    return `${instanceId}\u0000${executionId}\u0000${timerId}`;
  }

  protected armTimer(instanceId: string, executionId: string, timerId: number, fireAt: number): void {
    const key = this.timerKey(instanceId, executionId, timerId);
    if (this.timers.has(key) || this.stopping) return;
    const cancel = this.clock.schedule(fireAt, () => {
      this.timers.delete(key);
      if (this.stopping) return;
      this.busy++;
      const now = this.clock.now();
      const event = HistoryEvents.timerFired(now, timerId, new Date(fireAt).toISOString());
      this.send({ target: instanceId, executionId, sentAt: now, body: { type: "event", event } })
        .catch((error: unknown) => this.logger.log("error", `Recording a timer for '${instanceId}' failed: ${String(error)}`))
        .finally(() => {
          this.busy--;
          this.maybeIdle();
        });
    });
    this.timers.set(key, cancel);
  }

  protected cancelTimers(instanceId: string, executionId?: string): void {
    const prefix = executionId === undefined ? `${instanceId}\u0000` : `${instanceId}\u0000${executionId}\u0000`;
    for (const [key, cancel] of this.timers) {
      if (key.startsWith(prefix)) {
        cancel();
        this.timers.delete(key);
      }
    }
  }
}
