/**
 * Issue 9 §4, ARM's front door: an unknown resource group or subscription answers as ARM does
 * (`ResourceGroupNotFound`, `SubscriptionNotFound`), every ARM answer carries
 * `x-ms-routing-request-id` and the global rate-limit counts beside the per-principal ones, and
 * resources carry `systemData`. Through the real SDK clients over HTTPS (and raw HTTPS for headers).
 */
import { describe, expect, it } from "vitest";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "../acr/acrClient.js";
import { appsClient } from "../containerApps/appsClient.js";
import { useAppSandbox } from "./appSandbox.js";
import { sandboxRequest } from "./sandboxHttp.js";

const sandbox = useAppSandbox();

describe("ARM scopes", () => {
  it("an unknown resource group is ResourceGroupNotFound, an unknown subscription SubscriptionNotFound, an unknown app in a known group ResourceNotFound", async () => {
    const apps = appsClient(sandbox(), SUBSCRIPTION);
    await expect(apps.containerApps.get("rg-nope", "web")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound", message: "Resource group 'rg-nope' could not be found." });
    await expect(apps.containerApps.get(RESOURCE_GROUP, "ghost")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    const stranger = "99999999-9999-4999-8999-999999999999";
    await expect(appsClient(sandbox(), stranger).containerApps.get(RESOURCE_GROUP, "web")).rejects.toMatchObject({
      statusCode: 404,
      code: "SubscriptionNotFound",
      message: `The subscription '${stranger}' could not be found.`,
    });
    await expect(acrClient(sandbox()).registries.get("rg-nope", REGISTRY)).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
  });

  it("a create in a resource group that does not exist is refused before the provider", async () => {
    const poller = appsClient(sandbox(), SUBSCRIPTION).containerApps.createOrUpdate("rg-nope", "fresh", {
      location: "East US",
      environmentId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-nope/providers/Microsoft.App/managedEnvironments/env`,
      template: { containers: [{ name: "web", image: "mcr.microsoft.com/k8se/quickstart:latest" }] },
    });
    await expect(poller.submitted()).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
    expect(sandbox().apps.getApp({ subscriptionId: SUBSCRIPTION, resourceGroup: "rg-nope", name: "fresh" })).toBeUndefined();
  });
});

describe("ARM headers and systemData", () => {
  it("stamps x-ms-routing-request-id and the global rate-limit counts on every ARM answer", async () => {
    sandbox().throttle.reset();
    const path = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.App/containerApps/web?api-version=2026-07-01`;
    const read = await sandboxRequest(sandbox(), "GET", path);
    expect(read.headers["x-ms-routing-request-id"]).toBe(`EASTUS:20260301T000000Z:${String(read.headers["x-ms-request-id"])}`);
    expect(read.headers["x-ms-ratelimit-remaining-subscription-reads"]).toBe("249");
    // The global bucket is 15 times one principal's (3750 reads) and shared; it counts every read too.
    const globalReads = Number(read.headers["x-ms-ratelimit-remaining-subscription-global-reads"]);
    expect(globalReads).toBeGreaterThan(3700);
    expect(Number((await sandboxRequest(sandbox(), "GET", path)).headers["x-ms-ratelimit-remaining-subscription-global-reads"])).toBe(globalReads - 1);
    const missing = await sandboxRequest(sandbox(), "GET", path.replace("/web?", "/ghost?"));
    expect(missing.status).toBe(404);
    expect(missing.headers["x-ms-routing-request-id"]).toMatch(/^EASTUS:\d{8}T\d{6}Z:[0-9a-f-]{36}$/);
    const write = await sandboxRequest(sandbox(), "PATCH", path, { body: { properties: { template: { containers: [{ name: "web", image: "mcr.microsoft.com/k8se/quickstart:v2" }] } } } });
    expect(write.status).toBe(202);
    expect(Number(write.headers["x-ms-ratelimit-remaining-subscription-global-writes"])).toBeGreaterThan(2900);
  });

  it("container apps, revisions and registries carry systemData", async () => {
    const app = await appsClient(sandbox(), SUBSCRIPTION).containerApps.get(RESOURCE_GROUP, "web");
    expect(app.systemData).toMatchObject({ createdByType: "Application", createdAt: expect.any(Date), lastModifiedAt: expect.any(Date) });
    const revision = await appsClient(sandbox(), SUBSCRIPTION).containerAppsRevisions.getRevision(RESOURCE_GROUP, "web", app.latestRevisionName ?? "");
    expect(revision.systemData?.createdByType).toBe("Application");
    expect((await acrClient(sandbox()).registries.get(RESOURCE_GROUP, REGISTRY)).systemData?.createdByType).toBe("Application");
  });
});
