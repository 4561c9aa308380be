/**
 * A minimal synchronous task for emulating the extension's C# replay. DurableTask.Core runs
 * orchestration continuations inline on a synchronous scheduler, so when a history event completes a
 * task its awaiting code runs before the next event is processed; callbacks here run the same way.
 */

/** How a task ended. */
export type SyncOutcome = "succeeded" | "failed" | "canceled";

/** A task that is completed by history events and continues its awaiters synchronously. */
export class SyncTask {
  private ended: SyncOutcome | undefined;
  private awaiters: Array<() => void> = [];

  /** How the task ended, or undefined while it is pending. */
  get outcome(): SyncOutcome | undefined {
    return this.ended;
  }

  /** Whether the task has ended. */
  get isDone(): boolean {
    return this.ended !== undefined;
  }

  /** Ends the task and runs its awaiters; a second call is ignored (like `TrySetResult`). */
  settle(outcome: SyncOutcome): boolean {
    if (this.ended) return false;
    this.ended = outcome;
    const awaiters = this.awaiters;
    this.awaiters = [];
    for (const awaiter of awaiters) awaiter();
    return true;
  }

  /** Runs `callback` once the task has ended (immediately if it already has). */
  onDone(callback: () => void): void {
    if (this.ended) callback();
    else this.awaiters.push(callback);
  }

  /** A task that has already succeeded (fire-and-forget APIs return this). */
  static completed(): SyncTask {
    const task = new SyncTask();
    task.settle("succeeded");
    return task;
  }

  /** `Task.WhenAll`: ends when every task has ended; failed if any failed, else canceled if any was. */
  static whenAll(tasks: readonly SyncTask[]): SyncTask {
    const all = new SyncTask();
    let remaining = tasks.length;
    const finish = (): void => {
      const outcomes = tasks.map((t) => t.outcome);
      all.settle(outcomes.includes("failed") ? "failed" : outcomes.includes("canceled") ? "canceled" : "succeeded");
    };
    if (remaining === 0) finish();
    for (const task of tasks) {
      task.onDone(() => {
        remaining--;
        if (remaining === 0) finish();
      });
    }
    return all;
  }

  /** `Task.WhenAny`: succeeds as soon as any task has ended, however it ended. */
  static whenAny(tasks: readonly SyncTask[]): SyncTask {
    const any = new SyncTask();
    for (const task of tasks) task.onDone(() => any.settle("succeeded"));
    return any;
  }
}
