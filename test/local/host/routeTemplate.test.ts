import { describe, expect, it } from "vitest";
import { RouteTable, splitPath } from "../../../src/local/http/routeTable.js";
import { compileRouteTemplate, RouteTemplateError } from "../../../src/local/routing/routeTemplate.js";
import { toHttpFunctionSpec } from "../../../src/local/http/httpFunction.js";
import { app } from "@azure/functions";
import { installCoreModule } from "../../../src/local/worker/coreModule.js";
import { FunctionRegistry } from "../../../src/local/worker/functionRegistry.js";

const match = (template: string, path: string) => compileRouteTemplate(template).match(splitPath(path));

describe("route templates", () => {
  it("matches literals case-insensitively and decodes parameters", () => {
    expect(match("Items/{id}", "/items/a%20b")).toEqual({ id: "a b" });
    expect(match("items/{id}", "/things/1")).toBeUndefined();
    expect(match("items/{id}", "/items")).toBeUndefined();
    expect(match("items/{id}", "/items/1/extra")).toBeUndefined();
  });

  it("supports optional parameters, defaults and catch-alls", () => {
    expect(match("items/{id?}", "/items")).toEqual({});
    expect(match("items/{id?}", "/items/7")).toEqual({ id: "7" });
    expect(match("items/{page=1}", "/items")).toEqual({ page: "1" });
    expect(match("files/{*path}", "/files/a/b/c")).toEqual({ path: "a/b/c" });
    expect(match("files/{*path}", "/files")).toEqual({});
  });

  it("applies constraints", () => {
    expect(match("items/{id:int}", "/items/42")).toEqual({ id: "42" });
    expect(match("items/{id:int}", "/items/abc")).toBeUndefined();
    expect(match("items/{id:int}", "/items/99999999999")).toBeUndefined();
    expect(match("items/{id:int:min(10)}", "/items/5")).toBeUndefined();
    expect(match("items/{id:guid}", "/items/0f8fad5b-d9cb-469f-a165-70867728950e")).toBeDefined();
    expect(match("items/{id:alpha}", "/items/abc1")).toBeUndefined();
    expect(match("items/{id:bool}", "/items/TRUE")).toEqual({ id: "TRUE" });
    expect(match("items/{id:regex(^a+$)}", "/items/aaa")).toEqual({ id: "aaa" });
    expect(match("items/{id:length(2,3)}", "/items/abcd")).toBeUndefined();
  });

  it("rejects templates the host would not index", () => {
    expect(() => compileRouteTemplate("items/{id:nonsense}")).toThrow(RouteTemplateError);
    expect(() => compileRouteTemplate("items/{id?}/more")).toThrow(RouteTemplateError);
    expect(() => compileRouteTemplate("{*a}/b")).toThrow(RouteTemplateError);
    expect(() => compileRouteTemplate("a/{x}-{y}")).toThrow(RouteTemplateError);
  });
});

describe("route table", () => {
  const handler = async () => ({ status: 200 });
  installCoreModule();
  const registry = new FunctionRegistry();
  app.http("byId", { route: "items/{id}", methods: ["GET"], handler });
  app.http("latest", { route: "items/latest", methods: ["GET"], handler });
  app.http("create", { route: "items/{id}", methods: ["POST"], handler });
  app.http("defaults", { handler });
  const table = new RouteTable(["byId", "latest", "create", "defaults"].map((name) => toHttpFunctionSpec(registry.http.get(name)!)), "api");

  it("prefers literal segments over parameters regardless of registration order", () => {
    expect(table.find("GET", "/api/items/latest")?.spec.name).toBe("latest");
    expect(table.find("GET", "/api/items/7")?.spec.name).toBe("byId");
  });

  it("routes by method and treats an unaccepted method as no match", () => {
    expect(table.find("POST", "/api/items/7")?.spec.name).toBe("create");
    expect(table.find("DELETE", "/api/items/7")).toBeUndefined();
  });

  it("defaults the route to the function name and the methods to GET and POST", () => {
    expect(table.find("GET", "/api/defaults")?.spec.name).toBe("defaults");
    expect(table.find("POST", "/api/DEFAULTS/")?.spec.name).toBe("defaults");
    expect(table.find("PUT", "/api/defaults")).toBeUndefined();
    expect(table.find("GET", "/defaults")).toBeUndefined();
  });
});
