/**
 * Registers auto-rollout with the Functions host: the ACR webhook (`POST /api/webhooks/acr`,
 * anonymous: ACR authenticates with the shared-secret header instead of a function key), the Event
 * Grid trigger for `ImagePushed`, the reconcile scan's timer, and the orchestrations, entity and
 * activities behind them (the deploy workflow included: auto-rollout starts deploys). Each handler's
 * module is imported on its first invocation (./registration/lazy.ts).
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { scanScheduleFrom } from "../config/scanSchedule.js";
import { internalProblem } from "./http/requestProblems.js";
import { lazyHandler } from "./registration/lazy.js";
import "./deployWorkflow.js";

const extraInputs = [df.input.durableClient()];

const acrWebhook = lazyHandler(async () => (await import("./autoRollout/acrWebhook.js")).acrWebhook);
const eventGridPush = lazyHandler(async () => (await import("./autoRollout/eventGridPush.js")).eventGridPush);
const reconcileScan = lazyHandler(async () => (await import("./autoRollout/reconcileScan.js")).reconcileScan);

app.http("acrWebhook", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "webhooks/acr",
  extraInputs,
  handler: async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      return await acrWebhook(request, context, df.getClient(context));
    } catch (error) {
      // The message only: headers (the secret) and bodies are never logged.
      context.error(`acrWebhook failed: ${error instanceof Error ? error.message : String(error)}`);
      return internalProblem();
    }
  },
});

app.eventGrid("acrImagePushed", {
  extraInputs,
  handler: (event: unknown, context: InvocationContext) => eventGridPush(event, context, df.getClient(context)),
});

app.timer("autoRolloutScanTimer", {
  // Fixed when the module loads, as a trigger's schedule is; ACA_ROLLOUT_SCAN_SCHEDULE, default every 5 minutes.
  schedule: scanScheduleFrom(),
  extraInputs,
  handler: async (_timer: unknown, context: InvocationContext) => {
    await reconcileScan(context, df.getClient(context));
  },
});
