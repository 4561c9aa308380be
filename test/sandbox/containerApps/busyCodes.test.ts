/**
 * Issue 9 §1, sandbox side: a write to an app whose last operation is still running is refused with
 * 409 and the busy code the scenario setting chose, worded as Azure words it, through the real
 * `@azure/arm-appcontainers` client over HTTPS. The setting is read and set over `/_sandbox/` too.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { BUSY_CODES } from "../../../src/sandbox/providers/containerApps/index.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { sandboxRequest } from "../core/sandboxHttp.js";
import { appsClient } from "./appsClient.js";

const SUBSCRIPTION = "00000000-0000-0000-0000-0000000000b5";
const RG = "rg-busy";
const IMAGE = "elsewhere.example.com/web:1";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: new VirtualClock("2026-03-01T00:00:00.000Z"), durations: { revisionProvisioning: 5_000, lroPoll: 500 } });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  sandbox.reset();
});

const WORDING: Record<string, RegExp> = {
  ContainerAppOperationInProgress: /^Cannot modify a container app 'web' because there is an active provisioning operation in progress\.$/,
  ContainerAppLockConflict: /^Cannot modify container App 'web' because another modification is in progress\. Please retry the operation\.$/,
  ManagedEnvironmentOperationInProgress: /^Cannot modify Container Apps environment sandbox-env because another operation is in progress\.$/,
};

describe("busy code", () => {
  for (const code of BUSY_CODES) {
    it(`refuses a write during another with 409 ${code}`, async () => {
      const set = await sandboxRequest(sandbox, "PUT", "/_sandbox/containerApps/busyCode", { body: { code } });
      expect(set.status).toBe(200);
      expect((await sandboxRequest(sandbox, "GET", "/_sandbox/containerApps/busyCode")).json).toEqual({ code });
      sandbox.apps.seedApp({ subscriptionId: SUBSCRIPTION, resourceGroup: RG, name: "web", containers: [{ name: "web", image: IMAGE }] });
      const client = appsClient(sandbox, SUBSCRIPTION);
      const write = (value: string) =>
        client.containerApps.update(RG, "web", { location: "East US", template: { containers: [{ name: "web", image: IMAGE, env: [{ name: "V", value }] }] } }).submitted();

      await write("1");
      const refused = await write("2").then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toMatchObject({ statusCode: 409, code });
      expect((refused as Error).message).toMatch(WORDING[code]!);
    });
  }

  it("refuses an unknown busy code and goes back to the default on reset", async () => {
    expect((await sandboxRequest(sandbox, "PUT", "/_sandbox/containerApps/busyCode", { body: { code: "Conflict" } })).status).toBe(400);
    sandbox.apps.setBusyCode("ContainerAppLockConflict");
    sandbox.reset();
    expect((await sandboxRequest(sandbox, "GET", "/_sandbox/containerApps/busyCode")).json).toEqual({ code: "ContainerAppOperationInProgress" });
  });
});
