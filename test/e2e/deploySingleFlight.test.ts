import { describe, expect, it } from "vitest";
import type { InstanceStatus } from "../../src/local/engine/api.js";
import { outputOf, stepStatus, type DeployWorld, useDeployWorld } from "./world.js";

let world: DeployWorld;
useDeployWorld((started) => (world = started));

/** Runs virtual time until every instance has finished. */
async function runAll(ids: string[]): Promise<InstanceStatus[]> {
  for (const id of ids) await world.runToEnd(id);
  return Promise.all(ids.map(async (id) => (await world.runtime.engine.getStatus(id))!));
}

function span(status: InstanceStatus, from: string, to: string): { start: number; end: number } {
  const steps = outputOf(status).steps;
  return { start: Date.parse(steps.find((s) => s.name === from)!.startedAt!), end: Date.parse(steps.find((s) => s.name === to)!.finishedAt!) };
}

describe("one deploy per app at a time", () => {
  it("runs two deploys to one app one after the other", async () => {
    const app = await world.seedApp("web-serial");
    await world.pushImage("v2");
    const first = await world.start(world.request(app.name));
    await world.settle();
    const second = await world.start(world.request(app.name));
    await world.settle();
    expect(((await world.runtime.engine.getStatus(second))!.customStatus as { phase: string }).phase).toBe("Queued");

    const [a, b] = await runAll([first, second]);
    expect(outputOf(a!).outcome).toBe("Succeeded");
    expect(outputOf(b!).outcome).toBe("Succeeded");
    // The second touched the app only after the first had finished verifying.
    expect(span(b!, "inspect", "verify").start).toBeGreaterThanOrEqual(span(a!, "inspect", "verify").end);
    const patches = world.sandbox.callLog.calls({ operation: "Microsoft.App/containerApps/write" }).filter((c) => c.path.endsWith(`/${app.name}`));
    expect(patches).toHaveLength(2);
    expect(world.app(app.name).latestReadyRevisionName).toBe(outputOf(b!).newRevision);
  });

  it("of three queued deploys, runs the newest after the first and supersedes the middle one", async () => {
    const app = await world.seedApp("web-burst");
    await world.pushImage("v2");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await world.start(world.request(app.name)));
      await world.settle();
    }
    const [first, middle, newest] = await runAll(ids);

    expect(outputOf(first!).outcome).toBe("Succeeded");
    expect(outputOf(newest!).outcome).toBe("Succeeded");
    const skipped = outputOf(middle!);
    expect(skipped.outcome).toBe("Superseded");
    expect(skipped.supersededBy).toBe(ids[2]);
    expect(stepStatus(skipped, "queue")).toBe("skipped");
    expect(stepStatus(skipped, "inspect")).toBe("skipped");
    expect(middle!.runtimeStatus).toBe("Completed");
    // The superseded deploy never wrote to the app.
    const patches = world.sandbox.callLog.calls({ operation: "Microsoft.App/containerApps/write" }).filter((c) => c.path.endsWith(`/${app.name}`));
    expect(patches).toHaveLength(2);

    const record = await world.runtime.engine.readEntityState({ name: "deployTarget", key: `11111111-2222-4333-8444-555555555555_rg-e2e_${app.name}` });
    expect((record.state as { queue: { holder?: string; waiting: string[] } }).queue).toMatchObject({ waiting: [] });
    expect((record.state as { queue: { holder?: string } }).queue.holder).toBeUndefined();
  });
});
