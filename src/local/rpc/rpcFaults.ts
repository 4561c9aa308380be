/**
 * Faults the local runtime's Durable rpc endpoint answers instead of doing the operation, the way the
 * sandbox injects faults into Azure: a rehearsal (and test) seam for a Durable client call that keeps
 * failing, e.g. `raiseEvent` answering 503 so an activity that wakes a waiting deploy fails every retry.
 */

/** One fault: requests matching it get `status` with an empty body, `times` times (default: until removed). */
export interface RpcFault {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** A substring of the request path below `/durabletask/`, e.g. `/raiseEvent/deployQueue`. */
  pathContains: string;
  status: number;
  times?: number;
}

/** The faults in force. */
export class RpcFaults {
  private faults: { fault: RpcFault; left: number }[] = [];

  /** Adds a fault. */
  add(fault: RpcFault): void {
    this.faults.push({ fault, left: fault.times ?? Number.POSITIVE_INFINITY });
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }

  /** The status to answer `method path` with, counting the use; undefined when no fault matches. */
  take(method: string, path: string): number | undefined {
    const hit = this.faults.find(({ fault, left }) => left > 0 && path.includes(fault.pathContains) && (fault.method === undefined || fault.method.toUpperCase() === method.toUpperCase()));
    if (hit === undefined) return undefined;
    hit.left -= 1;
    return hit.fault.status;
  }
}
