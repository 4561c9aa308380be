/**
 * Deploy requests the bench starts, as plain JSON: the orchestration validates its input itself, so
 * the bench does not compile against the request type other engineers are changing.
 */
import { LOGIN_SERVER, REPOSITORY, RESOURCE_GROUP, SUBSCRIPTION } from "./benchWorld.js";

/** A deploy input, as the `deploy` orchestration receives it. */
export interface BenchDeployRequest {
  deploymentId: string;
  [field: string]: unknown;
}

/** A no-build deploy of `tag` to `app`, with the e2e tests' policy and retry settings. */
export function noBuildRequest(deploymentId: string, app: string, requestedAt: number, tag: string): BenchDeployRequest {
  return {
    deploymentId,
    requestedAt: new Date(requestedAt).toISOString(),
    target: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, containerApp: app },
    image: { loginServer: LOGIN_SERVER, repository: REPOSITORY, tag },
    policy: { verifyTimeoutSeconds: 300, warmupGraceSeconds: 60 },
    settings: { activityRetry: { maxAttempts: 3, firstIntervalSeconds: 5, backoffCoefficient: 2, maxIntervalSeconds: 30 } },
  };
}

/**
 * A deploy that first builds `tag` with ACR Tasks from a git source, as in test/e2e/deployBuild.test.ts,
 * with the run timeout `timeoutSeconds` (ACR's default of 1 h would fail a longer build).
 */
export function buildRequest(deploymentId: string, app: string, requestedAt: number, tag: string, timeoutSeconds: number): BenchDeployRequest {
  return {
    ...noBuildRequest(deploymentId, app, requestedAt, tag),
    build: {
      registry: { resourceGroup: RESOURCE_GROUP },
      source: { kind: "git", url: "https://github.com/contoso/web.git", ref: "main", folder: "services/web" },
      dockerfile: "docker/Web.Dockerfile",
      buildArgs: [{ name: "NODE_ENV", value: "production" }],
      timeoutSeconds,
    },
  };
}
