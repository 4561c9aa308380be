/**
 * Follows a deploy until it ends: polls its status, tells the reporter, and handles Ctrl-C (cancel the
 * deploy, after asking unless `--cancel-on-interrupt`; otherwise leave it running).
 */
import type { DeploymentResource } from "../../functions/http/apiTypes.js";
import type { OrchestratorClient } from "../api/orchestratorClient.js";
import type { CliIo } from "../core/io.js";
import type { DeployReporter } from "../output/reporter.js";

/** The statuses a deploy ends in. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(["Succeeded", "Failed", "RolledBack", "Canceled", "Superseded", "Quarantined"]);

/** How following ended: the deploy's final state, or the user left it running. */
export type FollowResult = { kind: "ended"; resource: DeploymentResource } | { kind: "detached"; resource: DeploymentResource | null };

/** Options of {@link followDeployment}. */
export interface FollowOptions {
  readonly pollMs: number;
  /** Cancel on Ctrl-C without asking. */
  readonly cancelOnInterrupt: boolean;
}

/** Polls deployment `id` until it ends or the user interrupts and keeps it running. */
export async function followDeployment(client: OrchestratorClient, id: string, io: CliIo, reporter: DeployReporter, options: FollowOptions): Promise<FollowResult> {
  const startedAt = io.now();
  let interrupted = false;
  let detach = false;
  let decision: Promise<void> = Promise.resolve();
  let last: DeploymentResource | null = null;

  const decide = async (): Promise<void> => {
    const cancel = options.cancelOnInterrupt || (await io.confirm(`Cancel deployment ${id}? (no: leave it running)`));
    if (!cancel) {
      detach = true;
      return;
    }
    reporter.notice(`canceling deployment ${id}...`);
    try {
      await client.cancel(id);
    } catch (error) {
      // It may have ended meanwhile (409); the next poll shows how.
      reporter.notice(`cancel: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const stop = io.onInterrupt(() => {
    if (interrupted) {
      // A second Ctrl-C while deciding or canceling: stop following at once.
      detach = true;
      return;
    }
    interrupted = true;
    decision = decide();
  });
  try {
    for (;;) {
      last = await client.deployment(id);
      reporter.progress(last, io.now() - startedAt);
      if (FINAL_STATUSES.has(last.status)) return { kind: "ended", resource: last };
      await decision;
      if (detach) return { kind: "detached", resource: last };
      await io.sleep(options.pollMs);
    }
  } finally {
    stop();
  }
}
