/**
 * The role extractor refuses what it cannot read for certain, so the least-privilege test can never pass by
 * reading fewer actions than the Bicep grants.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseRoleDefinitions, readRoleDefinitions } from "./bicepRoles.js";

const role = (permissions: string): string => `resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid('x')
  properties: {
    roleName: 'r (\${subscription().subscriptionId})'
    permissions: [
      {
${permissions}
      }
    ]
  }
}
`;

describe("Bicep role extractor", () => {
  it("reads literal actions and data actions, ignoring comments", () => {
    const roles = parseRoleDefinitions("a.bicep", role(`        actions: [
          // why: builds
          'Microsoft.ContainerRegistry/registries/scheduleRun/action'
          'Microsoft.App/containerApps/read'
        ]
        notActions: []
        dataActions: [
          'Microsoft.ContainerRegistry/registries/repositories/metadata/read'
        ]`));
    expect(roles).toEqual([
      {
        file: "a.bicep",
        symbol: "r",
        actions: ["Microsoft.ContainerRegistry/registries/scheduleRun/action", "Microsoft.App/containerApps/read"],
        dataActions: ["Microsoft.ContainerRegistry/registries/repositories/metadata/read"],
      },
    ]);
  });

  it.each([
    ["an action that is an expression", `        actions: [\n          actionList[0]\n        ]`, /not a plain quoted action/],
    ["an interpolated action", `        actions: [\n          'Microsoft.App/\${kind}/read'\n        ]`, /not a plain quoted action/],
    ["actions from a variable", `        actions: readActions`, /no literal "actions: \[" array/],
    ["no actions at all", `        dataActions: []`, /no literal "actions: \[" array/],
    ["actions on one line", `        actions: [ 'Microsoft.App/containerApps/read' ]`, /one quoted action per line/],
    ["a wildcard action", `        actions: [\n          'Microsoft.App/*'\n        ]`, /not a plain quoted action/],
    ["notActions", `        actions: [\n          'Microsoft.App/containerApps/read'\n        ]\n        notActions: [\n          'Microsoft.App/containerApps/delete'\n        ]`, /uses notActions/],
    ["an unclosed array", `        actions: [\n          'Microsoft.App/containerApps/read'`, /not a plain quoted action|not closed|unterminated/],
  ])("fails loudly on %s", (_name, permissions, message) => {
    expect(() => parseRoleDefinitions("a.bicep", role(permissions))).toThrow(message);
  });

  it("fails loudly on a role definition declared in a shape it does not read", () => {
    expect(() => parseRoleDefinitions("a.bicep", "resource r 'Microsoft.Authorization/roleDefinitions@2022-04-01' = [for x in xs: {\n}]\n")).toThrow(/on one line/);
  });

  it("fails loudly when no role definition is found at all", () => {
    const dir = mkdtempSync(join(tmpdir(), "bicep-roles-"));
    try {
      writeFileSync(join(dir, "main.bicep"), "param x string\n");
      expect(() => readRoleDefinitions(dir)).toThrow(/no Microsoft.Authorization\/roleDefinitions resource found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds the project's roles: on the registry, on the Container Apps, and on their operations", () => {
    const roles = readRoleDefinitions(join(import.meta.dirname, "../../infra/bicep"));
    expect(roles.map((r) => r.symbol).sort()).toEqual(["acrRole", "containerAppsOperationsRole", "containerAppsRole"]);
  });
});
