/**
 * Issue 9 §1: a deploy whose PATCH finds the app busy waits and tries again, whatever busy code Azure
 * answers with (each of the product's `APP_BUSY_CODES`, chosen through the sandbox's scenario
 * setting), and a 409 it does not know is a failure that carries its code.
 */
import { describe, expect, it } from "vitest";
import { APP_BUSY_CODES } from "../../src/domain/appBusyCodes.js";
import { appsClient } from "../sandbox/containerApps/appsClient.js";
import { RESOURCE_GROUP, SUBSCRIPTION, outputOf, stepStatus, useDeployWorld, type DeployWorld } from "./world.js";

let world: DeployWorld;
useDeployWorld((started) => (world = started), { clearFaultsAfterEach: true });

const APP_WRITE = "Microsoft.App/containerApps/write";

/** Another client's PATCH (a new env var: a new revision) keeps the app busy while its revision provisions. */
async function makeBusy(app: string, image: string): Promise<void> {
  const client = appsClient(world.sandbox, SUBSCRIPTION);
  const poller = client.containerApps.update(RESOURCE_GROUP, app, {
    location: "East US",
    template: { containers: [{ name: "web", image, env: [{ name: "CHANGED_BY", value: "someone-else" }] }] },
  });
  await poller.submitted();
}

describe("a busy app", () => {
  for (const [index, code] of APP_BUSY_CODES.entries()) {
    it(`waits on ${code} and deploys once the app is idle`, async () => {
      world.sandbox.apps.setBusyCode(code);
      try {
        const app = await world.seedApp(`web-busy-${index}`);
        await world.pushImage("v2");
        await makeBusy(app.name, app.image);
        const id = await world.start(world.request(app.name));
        const out = outputOf(await world.runToEnd(id));

        const writes = world.sandbox.callLog.calls({ operation: APP_WRITE, pathContains: app.name });
        // The outside PATCH, at least one refused with the chosen code, then the deploy's accepted PATCH.
        expect(writes.filter((call) => call.status === 409).length).toBeGreaterThanOrEqual(1);
        expect(out.outcome).toBe("Succeeded");
        expect(stepStatus(out, "deploy")).toBe("succeeded");
        expect(world.app(app.name).latestReadyRevisionName).toBe(out.newRevision);
      } finally {
        world.sandbox.apps.setBusyCode("ContainerAppOperationInProgress");
      }
    });
  }

  it("fails on a 409 it does not recognise, keeping its code, without waiting or writing", async () => {
    const app = await world.seedApp("web-conflict");
    await world.pushImage("v2");
    world.sandbox.faults.inject({ operation: APP_WRITE, status: 409, code: "ContainerAppSecretInUse", message: "Secret is referenced elsewhere.", times: "always" });
    const id = await world.start(world.request(app.name));
    const out = outputOf(await world.runToEnd(id));

    expect(out.outcome).toBe("Failed");
    expect(stepStatus(out, "deploy")).toBe("failed");
    expect(out.error).toMatchObject({ code: "ContainerAppSecretInUse", statusCode: 409 });
    expect(world.sandbox.callLog.calls({ operation: APP_WRITE, pathContains: app.name })).toHaveLength(1);
    expect(world.app(app.name).template.containers[0]!.image).toBe(app.image);
  });
});
