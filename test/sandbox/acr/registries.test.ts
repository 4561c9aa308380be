import { describe, expect, it } from "vitest";
import { RegistryStore } from "../../../src/sandbox/providers/containerRegistry/registries.js";

describe("RegistryStore", () => {
  const now = () => Date.parse("2026-02-02T00:00:00.000Z");

  it("finds registries case-insensitively and gives them a lowercase login server", () => {
    const store = new RegistryStore(now, false);
    store.seed({ subscriptionId: "SUB", resourceGroup: "RG", name: "MyRegistry" });
    const found = store.find({ subscriptionId: "sub", resourceGroup: "rg", name: "myregistry" });
    expect(found).toMatchObject({ name: "MyRegistry", loginServer: "myregistry.azurecr.io", creationDate: "2026-02-02T00:00:00.000Z", sku: "Standard" });
    expect(store.find({ subscriptionId: "sub", resourceGroup: "rg", name: "otherregistry" })).toBeUndefined();
    expect(() => store.seed({ subscriptionId: "s", resourceGroup: "r", name: "no-dashes" })).toThrow(/5-50 letters or digits/);
  });

  it("creates a named registry on first use when auto-creation is on, but not for invalid names", () => {
    const store = new RegistryStore(now, true);
    expect(store.find({ subscriptionId: "s", resourceGroup: "r", name: "autoreg1" })?.loginServer).toBe("autoreg1.azurecr.io");
    expect(store.list()).toHaveLength(1);
    expect(store.find({ subscriptionId: "s", resourceGroup: "r", name: "x" })).toBeUndefined();
  });
});
