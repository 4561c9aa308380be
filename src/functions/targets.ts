/**
 * `/api/targets` (function key): the configured targets with what aca-rollout remembers about each
 * app (last known good, last deployment, quarantined digests, the lock and its history), lifting a
 * quarantine, and freeing a stuck app by hand.
 *
 * The remembered state lives in the app's `deployTarget` entity and is read through the Durable
 * client (`http/targetState.ts`); an app never deployed has no entity yet, which reads as an empty record. Configuration is
 * shown through `targetConfigurationView`, so secrets appear only as the names of their settings.
 * An invalid targets configuration makes every endpoint here answer 503 with each problem listed.
 *
 * The handlers live in ./http/targetRoutes.ts, imported on the first request.
 */
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { lazyHandler } from "./registration/lazy.js";
// The entities must be registered wherever they are signalled from; the module registers them once.
import "./registration/entities.js";

const durableClient = df.input.durableClient();
const routes = () => import("./http/targetRoutes.js");

app.http("listTargets", { methods: ["GET"], authLevel: "function", route: "targets", extraInputs: [durableClient], handler: lazyHandler(async () => (await routes()).listTargets) });
app.http("getTarget", { methods: ["GET"], authLevel: "function", route: "targets/{name}", extraInputs: [durableClient], handler: lazyHandler(async () => (await routes()).getTarget) });
app.http("liftTargetQuarantine", {
  methods: ["DELETE"],
  authLevel: "function",
  route: "targets/{name}/quarantine/{digest}",
  extraInputs: [durableClient],
  handler: lazyHandler(async () => (await routes()).liftTargetQuarantine),
});
app.http("deleteTargetLock", {
  methods: ["DELETE"],
  authLevel: "function",
  route: "targets/{name}/lock",
  extraInputs: [durableClient],
  handler: lazyHandler(async () => (await routes()).deleteTargetLock),
});
