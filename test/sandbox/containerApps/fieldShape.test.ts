/** The local field-set comparison finds missing fields, unexpected extras and type changes. */
import { describe, expect, it } from "vitest";
import { shapeDifferences } from "./fieldShape.js";

describe("shapeDifferences", () => {
  const example = { id: "x", properties: { items: [{ a: 1 }, { b: "s" }], flag: true, next: null } };

  it("accepts the same field set with other values", () => {
    expect(shapeDifferences({ id: "y", properties: { items: [{ a: 2, b: "t" }], flag: false, next: null } }, example)).toEqual([]);
  });

  it("reports missing fields, extras and type changes", () => {
    expect(shapeDifferences({ id: 3, properties: { items: [{ a: 1 }], flag: true, next: null, more: 1 } }, example)).toEqual([
      "type of $.id: expected string, got number",
      "missing $.properties.items[].b",
      "extra $.properties.more",
    ]);
  });

  it("allows listed extras and everything under them", () => {
    const actual = { ...example, extra: { deep: [1] }, properties: { ...example.properties } };
    expect(shapeDifferences(actual, example, ["$.extra"])).toEqual([]);
  });
});
