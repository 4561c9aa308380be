import { describe, expect, it } from "vitest";
import { parseTargetsDocument } from "../../../src/domain/target.js";
import { DEMO_APPS, DEMO_AUTO, DEMO_BUILD_SOURCE, DEMO_IMAGE, DEMO_REGISTRY, DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID, demoTargetsDocument, deployExamples } from "../../../src/local/demo.js";

function demoTargets() {
  const result = parseTargetsDocument(JSON.parse(JSON.stringify(demoTargetsDocument())));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

describe("npm start's demo targets", () => {
  it("are a valid document with one target per seeded demo app, one of which builds and one rolls out pushes", () => {
    const document = demoTargets();
    expect(document.targets.map((t) => t.name)).toEqual(["demo-single", "demo-multi", "demo-build", "demo-auto"]);
    const auto = document.targets.pop()!;
    expect(auto.image).toEqual({ loginServer: DEMO_REGISTRY.loginServer, repository: DEMO_AUTO.repository });
    expect(auto.autoRollout).toEqual({ enabled: true, tagPolicy: DEMO_AUTO.tagPolicy });
    expect(auto.build).toBeUndefined();
    expect(document.targets.filter((t) => t.autoRollout)).toEqual([]);
    for (const [index, target] of document.targets.entries()) {
      expect(target.containerApp).toEqual({ subscriptionId: DEMO_SUBSCRIPTION_ID, resourceGroup: DEMO_RESOURCE_GROUP, containerApp: DEMO_APPS[index]!.name });
      expect(target.image).toEqual({ loginServer: DEMO_REGISTRY.loginServer, repository: DEMO_IMAGE.repository });
    }
    expect(document.targets.filter((t) => t.build).map((t) => [t.name, t.build?.registry, t.build?.source])).toEqual([
      ["demo-build", { resourceGroup: DEMO_RESOURCE_GROUP, name: DEMO_REGISTRY.name }, DEMO_BUILD_SOURCE],
    ]);
    expect(document.allow).toEqual({ subscriptions: [DEMO_SUBSCRIPTION_ID], resourceGroups: [DEMO_RESOURCE_GROUP] });
  });

  it("give the banner a deploy and a build example with the demo's tags; other targets get theirs with a placeholder", () => {
    expect(deployExamples(demoTargets().targets).map((e) => e.body)).toEqual([
      { target: "demo-single", tag: DEMO_IMAGE.nextTag },
      { target: "demo-build", tag: DEMO_IMAGE.buildTag },
    ]);
    const own = parseTargetsDocument({
      targets: [{ name: "shop", containerApp: { subscriptionId: DEMO_SUBSCRIPTION_ID, resourceGroup: "rg-shop", containerApp: "shop-app" }, image: { loginServer: "shop.azurecr.io", repository: "shop" } }],
    });
    if (!own.ok) throw new Error(JSON.stringify(own.issues));
    expect(deployExamples(own.value.targets).map((e) => e.body)).toEqual([{ target: "shop", tag: "<tag>" }]);
    expect(deployExamples([])).toEqual([]);
  });
});
