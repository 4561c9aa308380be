/**
 * Registers the deployments API with the Functions host (function-key auth, under `/api`):
 *
 *   POST /deployments               start a deploy of a target (Idempotency-Key supported) → 202
 *   GET  /deployments               list, newest first, filtered and paged
 *   GET  /deployments/{id}          one deployment and its step timeline
 *   POST /deployments/{id}/cancel   ask a running deploy to stop → 202
 *
 * Each handler lives in its own module under `http/`, imported on its first request; this one binds
 * them to routes and turns an unexpected failure into a `500` problem without echoing its text (it
 * may hold internals).
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { DurableClient } from "durable-functions";
import { internalProblem } from "./http/requestProblems.js";
import { lazyHandler } from "./registration/lazy.js";

type DeploymentsHandler = (request: HttpRequest, client: DurableClient) => Promise<HttpResponseInit>;

/** Wraps a handler: gives it the durable client and answers `500` (logged) if it throws. */
function withClient(handler: DeploymentsHandler) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      return await handler(request, df.getClient(context));
    } catch (error) {
      // The message only: request bodies and headers (keys) are never logged.
      context.error(`${context.functionName} failed: ${error instanceof Error ? error.message : String(error)}`);
      return internalProblem();
    }
  };
}

const extraInputs = [df.input.durableClient()];

const startDeployment = lazyHandler(async () => (await import("./http/startDeployment.js")).startDeployment);
const listDeployments = lazyHandler(async () => (await import("./http/listDeployments.js")).listDeployments);
const getDeployment = lazyHandler(async () => (await import("./http/getDeployment.js")).getDeployment);
const cancelDeployment = lazyHandler(async () => (await import("./http/cancelDeployment.js")).cancelDeployment);

app.http("startDeployment", { methods: ["POST"], authLevel: "function", route: "deployments", extraInputs, handler: withClient(startDeployment) });
app.http("listDeployments", { methods: ["GET"], authLevel: "function", route: "deployments", extraInputs, handler: withClient(listDeployments) });
app.http("getDeployment", { methods: ["GET"], authLevel: "function", route: "deployments/{id}", extraInputs, handler: withClient(getDeployment) });
app.http("cancelDeployment", { methods: ["POST"], authLevel: "function", route: "deployments/{id}/cancel", extraInputs, handler: withClient(cancelDeployment) });
