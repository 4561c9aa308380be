import { describe, expect, it } from "vitest";
import { LOGIN_SERVER, REPOSITORY, outputOf, stepStatus, type DeployWorld, useDeployWorld } from "./world.js";

let world: DeployWorld;
useDeployWorld((started) => (world = started));

describe("deploy without a build", () => {
  it("resolves the tag to its digest through the data plane and deploys by digest", async () => {
    const app = await world.seedApp("web-nobuild");
    const v2 = await world.pushImage("v2");
    const id = await world.start(world.request(app.name));
    const status = await world.runToEnd(id);
    const out = outputOf(status);
    if (process.env.E2E_DEBUG) console.log(JSON.stringify(out, null, 1));
    expect(status.runtimeStatus).toBe("Completed");
    expect(out.outcome).toBe("Succeeded");
    expect(out.digest).toBe(v2);
    expect(out.image).toBe(`${LOGIN_SERVER}/${REPOSITORY}@${v2}`);
    expect(stepStatus(out, "build")).toBe("skipped");
    expect(stepStatus(out, "resolve-digest")).toBe("succeeded");
    expect(stepStatus(out, "verify")).toBe("succeeded");
    const live = world.app(app.name);
    expect(live.template.containers[0]?.image).toBe(`${LOGIN_SERVER}/${REPOSITORY}@${v2}`);
    expect(live.latestReadyRevisionName).toBe(out.newRevision);
    // The data plane was asked for the tag (challenge, token exchange, then the tag read).
    const dataCalls = world.sandbox.callLog.calls({ plane: "data" }).map((c) => `${c.method} ${c.path}`);
    expect(dataCalls.some((c) => c.includes("/_tags/v2"))).toBe(true);
  });

  it("fails verification when the smoke request to the new revision does not answer 2xx", async () => {
    const app = await world.seedApp("web-smoke");
    await world.pushImage("v2");
    world.sandbox.apps.setIngressResponse({ path: "/healthz", status: 500 });
    const id = await world.start(world.request(app.name, { policy: { smokePath: "/healthz", onFailure: "none", verifyTimeoutSeconds: 120, warmupGraceSeconds: 30 } }));
    const out = outputOf(await world.runToEnd(id));
    expect(out.outcome).toBe("Failed");
    expect(out.reason).toContain("smoke request answered 500");
    expect(stepStatus(out, "verify")).toBe("failed");
    expect(out.quarantinedDigest).toBe(out.digest);
  });

  it("passes verification when the smoke path answers 2xx", async () => {
    const app = await world.seedApp("web-smoke-ok");
    await world.pushImage("v2");
    const id = await world.start(world.request(app.name, { policy: { smokePath: "/ready", verifyTimeoutSeconds: 120, warmupGraceSeconds: 30 } }));
    const out = outputOf(await world.runToEnd(id));
    expect(out.outcome).toBe("Succeeded");
  });

  it("fails fast with a precise message when the app does not exist, and writes nothing", async () => {
    world.sandbox.callLog.clear();
    const id = await world.start(world.request("web-missing"));
    const out = outputOf(await world.runToEnd(id));
    expect(out.outcome).toBe("Failed");
    expect(stepStatus(out, "inspect")).toBe("failed");
    expect(out.error?.code).toBe("ContainerAppNotFound");
    expect(out.reason).toContain("web-missing");
    expect(world.sandbox.callLog.calls().filter((c) => c.method !== "GET")).toEqual([]);
  });

  it("updates only the named container and leaves the sidecar and init container untouched", async () => {
    const sidecar = { name: "otel", image: "mcr.microsoft.com/otel/collector:0.98", env: [{ name: "MODE", value: "agent" }] };
    const init = { name: "migrate", image: `${LOGIN_SERVER}/team/migrate:7` };
    await world.sandbox.dataPlane.seedImage(LOGIN_SERVER, "team/migrate", "7");
    const app = await world.seedApp("web-sidecar", { sidecars: [sidecar], initContainers: [init] });
    const v2 = await world.pushImage("v2");

    // Two containers and no name: ambiguous, refused before any write.
    const ambiguous = outputOf(await world.runToEnd(await world.start(world.request(app.name))));
    expect(ambiguous.outcome).toBe("Failed");
    expect(ambiguous.error?.code).toBe("ContainerAmbiguous");
    expect(ambiguous.reason).toMatch(/web.*otel|otel.*web/);

    const request = world.request(app.name);
    const id = await world.start({ ...request, target: { ...request.target, container: "web" } });
    expect(outputOf(await world.runToEnd(id)).outcome).toBe("Succeeded");
    const template = world.app(app.name).template;
    expect(template.containers).toEqual([expect.objectContaining({ name: "web", image: `${LOGIN_SERVER}/${REPOSITORY}@${v2}` }), expect.objectContaining(sidecar)]);
    expect(template.initContainers).toEqual([expect.objectContaining(init)]);
  });
});
