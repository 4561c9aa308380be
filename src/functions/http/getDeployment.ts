/** `GET /api/deployments/{id}`: one deployment with its step timeline, or a `404` problem. */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { readDeployInstance } from "./deploymentInstances.js";
import { toDeploymentResource } from "./deploymentResource.js";
import { notFoundProblem } from "./requestProblems.js";

/** Handles `GET /api/deployments/{id}`. */
export async function getDeployment(request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> {
  const id = request.params.id ?? "";
  const instance = await readDeployInstance(client, id);
  if (!instance) return notFoundProblem(`There is no deployment with id ${JSON.stringify(id)}.`, "/path/id");
  return { status: 200, jsonBody: toDeploymentResource(instance) };
}
