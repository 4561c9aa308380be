import { describe, expect, it } from "vitest";
import { parseTargetsDocument } from "../../../src/domain/target.js";
import { DEMO_APPS, DEMO_IMAGE, DEMO_REGISTRY, DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID, demoTargetsDocument } from "../../../src/local/main.js";

describe("npm start's demo targets", () => {
  it("are a valid document with one target per seeded demo app", () => {
    const result = parseTargetsDocument(JSON.parse(JSON.stringify(demoTargetsDocument())));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.value.targets.map((t) => t.name)).toEqual(["demo-single", "demo-multi"]);
    for (const [index, target] of result.value.targets.entries()) {
      expect(target.containerApp).toEqual({ subscriptionId: DEMO_SUBSCRIPTION_ID, resourceGroup: DEMO_RESOURCE_GROUP, containerApp: DEMO_APPS[index]!.name });
      expect(target.image).toEqual({ loginServer: DEMO_REGISTRY.loginServer, repository: DEMO_IMAGE.repository });
    }
    expect(result.value.allow).toEqual({ subscriptions: [DEMO_SUBSCRIPTION_ID], resourceGroups: [DEMO_RESOURCE_GROUP] });
  });
});
