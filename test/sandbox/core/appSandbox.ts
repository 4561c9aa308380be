/** A sandbox with the test registry and one app, `web`, started before and stopped after a test file. */
import { afterAll, beforeAll } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "../acr/acrClient.js";

/** Registers the hooks; call the returned function inside a test for the running sandbox. */
export function useAppSandbox(): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock: new VirtualClock("2026-03-01T00:00:00.000Z"), registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY }] });
    sandbox.apps.seedApp({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: "web", containers: [{ name: "web", image: "mcr.microsoft.com/k8se/quickstart:latest" }] });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  return () => {
    if (!sandbox) throw new Error("the sandbox is not started yet (use it inside a test)");
    return sandbox;
  };
}
