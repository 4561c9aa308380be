/**
 * The synchronous revision actions (Revisions_Restart, _Activate, _Deactivate): each starts or ends
 * an activation cycle of one revision; the lifecycle then follows from time (`revisionLifecycle.ts`).
 */
import type { AppRecord } from "./appRecords.js";
import { invalidRevisionOperation } from "./errors.js";
import type { ContainerAppsModel } from "./model.js";
import { revisionStatusAt, type RevisionRecord } from "./revisionLifecycle.js";

/** POST restart: starts a new activation cycle; `unhealthyUntilRestarted` heals from here. */
export function restartRevision(model: ContainerAppsModel, app: AppRecord, revision: RevisionRecord): void {
  const status = revisionStatusAt(revision, model.now());
  if (status.provisioningState !== "Provisioned") {
    throw invalidRevisionOperation(`Cannot restart revision '${revision.name}' while its provisioning state is '${status.provisioningState}'.`);
  }
  if (!revision.active) throw invalidRevisionOperation(`Cannot restart revision '${revision.name}' because it is not active.`);
  revision.restarts += 1;
  revision.cycleStartedAt = model.now();
  revision.readinessApplied = false;
  model.settle(app);
}

/** POST activate: an inactive revision starts its replicas again. */
export function activateRevision(model: ContainerAppsModel, app: AppRecord, revision: RevisionRecord): void {
  if (revision.active) return;
  revision.active = true;
  revision.cycleStartedAt = model.now();
  revision.readinessApplied = false;
  model.settle(app);
}

/** POST deactivate: replicas go to zero; traffic configuration is left as it is (as on Azure). */
export function deactivateRevision(model: ContainerAppsModel, revision: RevisionRecord): void {
  if (!revision.active) return;
  revision.active = false;
  revision.inactiveSince = model.now();
}
