/**
 * The sandbox's Azure Container Apps provider (Microsoft.App containerApps + revisions, api-version
 * 2026-07-01 as `@azure/arm-appcontainers` 4.0.0 calls it), plus the programmatic scenario API tests
 * use in-process. HTTP control routes are documented in `controlRoutes.ts`; the ingress that answers
 * smoke requests to revision host names in `ingress.ts`.
 */
import type { SandboxContext, SandboxProvider } from "../../kernel/types.js";
import type { ContainerAppResource, RevisionResource } from "./armBodies.js";
import { renderContainerApp, renderRevision } from "./armBodies.js";
import { containerAppsArmRoutes } from "./armRoutes.js";
import type { RevisionBehaviour } from "./behaviours.js";
import { containerAppsControlRoutes, parseBehaviour } from "./controlRoutes.js";
import { containerAppsIngressRoutes, IngressResponses, type IngressResponseRule } from "./ingress.js";
import { findRevision, type AppRef } from "./appRecords.js";
import type { BusyCode } from "./errors.js";
import type { ImageRegistries } from "./imagePull.js";
import { seedApp } from "./appWrites.js";
import { ContainerAppsModel, type ContainerAppsSnapshot } from "./model.js";
import type { SeedAppOptions } from "./requestSchemas.js";

export type { AppRef } from "./appRecords.js";
export type { ContainerAppResource, ContainerAppProperties, RevisionResource, RevisionProperties, OperationStatusResource } from "./armBodies.js";
export type { RevisionBehaviour, RevisionBehaviourKind, RevisionDurations } from "./behaviours.js";
export type { SeedAppOptions, ContainerSpec } from "./requestSchemas.js";
export type { IngressResponseRule } from "./ingress.js";
export type { RevisionHealthState, RevisionProvisioningState, RevisionRunningState } from "./revisionLifecycle.js";
export type { JsonObject, JsonValue } from "./json.js";
export { ArmRequestError, BUSY_CODES, type BusyCode } from "./errors.js";
export type { ImageRegistries } from "./imagePull.js";
export { maxRevisionNameLength } from "./naming.js";

/** A JSON-able summary of one app for `GET /_sandbox/state`. */
export interface ContainerAppSummary {
  id: string;
  latestRevisionName: string;
  latestReadyRevisionName: string;
  revisions: { name: string; active: boolean; provisioningState: string; runningState: string; healthState: string; trafficWeight: number }[];
}

/** The provider plus its programmatic scenario API. Errors from the scenario API are {@link ArmRequestError}s. */
export interface ContainerAppsProvider extends SandboxProvider {
  /** Creates an app with one already healthy, ready revision; returns it as ARM GET would. */
  seedApp(options: SeedAppOptions): ContainerAppResource;
  /** The next revision the app creates follows `behaviour` (one-shot); undefined clears it. */
  setNextRevisionBehaviour(app: AppRef, behaviour: RevisionBehaviour | undefined): void;
  /** Every later revision using `image` (exact, or `@<digest>` if keyed by a digest) follows `behaviour`; undefined clears it. */
  setImageBehaviour(image: string, behaviour: RevisionBehaviour | undefined): void;
  /** The 409 code a write to a busy app gets (ContainerAppOperationInProgress by default); lasts until reset. */
  setBusyCode(code: BusyCode): void;
  /** The app as ARM GET returns it now, or undefined. */
  getApp(app: AppRef): ContainerAppResource | undefined;
  /** The app's revisions as Revisions_List returns them now (creation order); empty for an unknown app. */
  listRevisions(app: AppRef): RevisionResource[];
  /** One revision as Revisions_Get returns it now, or undefined. */
  getRevision(app: AppRef, revisionName: string): RevisionResource | undefined;
  /** Summary of every app (for `GET /_sandbox/state`). */
  state(): { apps: ContainerAppSummary[] };
  /** A serving revision (the named one, or any) answers smoke GETs of `rule.path` with `rule.status`; lasts until reset. */
  setIngressResponse(rule: IngressResponseRule): void;
}

/** What a persistent sandbox saves of this provider. */
interface ContainerAppsProviderSnapshot {
  model: ContainerAppsSnapshot;
  ingressResponses: IngressResponseRule[];
}

/**
 * Creates the Container Apps provider over the sandbox's shared clock, ids and durations. With
 * `images`, every new revision's images are checked against the registries the sandbox serves.
 */
export function createContainerAppsProvider(context: SandboxContext, images?: ImageRegistries): ContainerAppsProvider {
  const model = new ContainerAppsModel(context);
  const ingressResponses = new IngressResponses();
  return {
    name: "containerApps",
    routes: containerAppsArmRoutes(model, context, images),
    controlRoutes: [...containerAppsControlRoutes(model), ...containerAppsIngressRoutes(model, ingressResponses)],
    reset: () => {
      model.reset();
      ingressResponses.clear();
    },
    snapshot: (): ContainerAppsProviderSnapshot => ({ model: model.snapshot(), ingressResponses: ingressResponses.list() }),
    restore: (snapshot) => {
      const saved = snapshot as ContainerAppsProviderSnapshot;
      model.restore(saved.model);
      ingressResponses.restore(saved.ingressResponses);
    },
    resourceGroups: () => model.resourceGroups(),
    setIngressResponse: (rule) => ingressResponses.set(rule),
    setBusyCode: (code) => model.setBusyCode(code),
    seedApp: (options) => renderContainerApp(model, seedApp(model, options)),
    setNextRevisionBehaviour: (app, behaviour) => model.setNextRevisionBehaviour(app, behaviour === undefined ? undefined : parseBehaviour(behaviour)),
    setImageBehaviour: (image, behaviour) => model.setImageBehaviour(image, behaviour === undefined ? undefined : parseBehaviour(behaviour)),
    getApp: (ref) => {
      const app = model.findApp(ref);
      return app ? renderContainerApp(model, app) : undefined;
    },
    listRevisions: (ref) => {
      const app = model.findApp(ref);
      return app ? app.revisions.map((revision) => renderRevision(app, revision, model.now())) : [];
    },
    getRevision: (ref, revisionName) => {
      const app = model.findApp(ref);
      const revision = app ? findRevision(app, revisionName) : undefined;
      return app && revision ? renderRevision(app, revision, model.now()) : undefined;
    },
    state: () => ({
      apps: model.listApps().map((app) => {
        const resource = renderContainerApp(model, app);
        return {
          id: resource.id,
          latestRevisionName: app.latestRevisionName,
          latestReadyRevisionName: app.latestReadyRevisionName,
          revisions: app.revisions.map((revision) => {
            const { properties } = renderRevision(app, revision, model.now());
            return {
              name: revision.name,
              active: properties.active,
              provisioningState: properties.provisioningState,
              runningState: properties.runningState,
              healthState: properties.healthState,
              trafficWeight: properties.trafficWeight,
            };
          }),
        };
      }),
    }),
  };
}
