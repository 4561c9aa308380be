/**
 * Sends the fast path's joins to the targets' `autoRollout` entities, many per signal: joins for a
 * target that arrive while its previous signal is on the way (or in the same turn of the event loop)
 * go together in the next one (group commit). Each caller waits for the signal that carries its join,
 * so an answer is only sent once the join is in the Durable store; a failed signal fails every
 * caller in it, and each then hands its push on the full way.
 */
import * as df from "durable-functions";
import type { DurableClient } from "durable-functions";
import type { AutoRolloutOperations } from "../../entities/autoRolloutRecord.js";
import { autoRolloutKey, ENTITIES } from "../../entities/names.js";

/** One join, as the entity's `join` operation takes it. */
export type Join = AutoRolloutOperations["join"]["joins"][number];

/** Most joins per signal, so one operation's input stays small. */
const MAX_BATCH = 200;

interface Waiting {
  join: Join;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface TargetQueue {
  waiting: Waiting[];
  sending: boolean;
  staleAfterSeconds: number;
}

/** Batches joins per target. */
export class JoinBatcher {
  private readonly queues = new Map<string, TargetQueue>();

  /** Resolves once `join` reached target `targetName`'s entity (in a signal with the joins queued beside it). */
  join(client: Pick<DurableClient, "signalEntity">, targetName: string, join: Join, staleAfterSeconds: number): Promise<void> {
    let queue = this.queues.get(targetName);
    if (!queue) {
      queue = { waiting: [], sending: false, staleAfterSeconds };
      this.queues.set(targetName, queue);
    }
    queue.staleAfterSeconds = staleAfterSeconds;
    const mine = queue;
    return new Promise<void>((resolve, reject) => {
      mine.waiting.push({ join, resolve, reject });
      // Joins of the same turn go together; later ones wait for the signal on the way.
      if (!mine.sending) {
        mine.sending = true;
        setImmediate(() => void this.send(client, targetName, mine));
      }
    });
  }

  private async send(client: Pick<DurableClient, "signalEntity">, targetName: string, queue: TargetQueue): Promise<void> {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_BATCH);
      const input: AutoRolloutOperations["join"] = { joins: batch.map((w) => w.join), staleAfterSeconds: queue.staleAfterSeconds };
      try {
        await client.signalEntity(new df.EntityId(ENTITIES.autoRollout, autoRolloutKey(targetName)), "join", input);
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    queue.sending = false;
    if (this.queues.get(targetName) === queue) this.queues.delete(targetName);
  }
}
