/**
 * A deploy tells the console what it is doing: one line per phase change with its id, target, phase
 * and step, logged through the orchestration's `context.log` (what reaches Application Insights in
 * Azure) and only when not replaying, so each line appears once although every episode replays the
 * whole history.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FunctionLogEntry } from "../../src/local/http/invokeHttpFunction.js";
import { outputOf, startDeployWorld, type DeployWorld } from "./world.js";

let world: DeployWorld;
const logs: FunctionLogEntry[] = [];

beforeAll(async () => {
  world = await startDeployWorld({ log: (entry) => logs.push(entry) });
});
afterAll(async () => {
  await world?.stop();
});

/** The deploy orchestration's lines about one deploy. */
function phaseLines(id: string): string[] {
  return logs.filter((entry) => entry.functionName === "deploy" && entry.message.startsWith(`Deploy ${id} `)).map((entry) => entry.message);
}

describe("deploy phase lines", () => {
  it("says each phase once, with the step it applies to, for a deploy that succeeds", async () => {
    const app = await world.seedApp("web-console");
    await world.pushImage("v2");
    const id = await world.start(world.request(app.name, { targetName: "web-console-target" }));
    const out = outputOf(await world.runToEnd(id));
    expect(out.outcome).toBe("Succeeded");
    expect(phaseLines(id)).toEqual([
      `Deploy ${id} (target web-console-target): phase Pending, step queue`,
      `Deploy ${id} (target web-console-target): phase Deploying, step deploy`,
      `Deploy ${id} (target web-console-target): phase Verifying, step verify`,
      `Deploy ${id} (target web-console-target): phase Succeeded, step verify`,
    ]);
    expect(logs.find((entry) => entry.message.startsWith(`Deploy ${id} `))?.level).toBe("information");
  });

  it("follows a deploy through restart and rollback, naming the app when the request names no target", async () => {
    const app = await world.seedApp("web-console-bad");
    const bad = await world.pushImage("v2");
    world.sandbox.apps.setImageBehaviour(bad, { kind: "neverHealthy" });
    const id = await world.start(world.request(app.name));
    const out = outputOf(await world.runToEnd(id));
    expect(out.outcome).toBe("RolledBack");
    expect(phaseLines(id)).toEqual([
      `Deploy ${id} (target ${app.name}): phase Pending, step queue`,
      `Deploy ${id} (target ${app.name}): phase Deploying, step deploy`,
      `Deploy ${id} (target ${app.name}): phase Verifying, step verify`,
      `Deploy ${id} (target ${app.name}): phase Restarting, step restart`,
      `Deploy ${id} (target ${app.name}): phase Verifying, step verify-after-restart`,
      `Deploy ${id} (target ${app.name}): phase RollingBack, step rollback`,
      `Deploy ${id} (target ${app.name}): phase Verifying, step verify-rollback`,
      `Deploy ${id} (target ${app.name}): phase RolledBack, step verify-rollback`,
    ]);
  });
});
