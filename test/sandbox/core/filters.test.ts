/**
 * Issue 9 §4: `$filter` on Runs_List and Revisions_List is honoured (the SDKs' own `filter` option,
 * over HTTPS) for the properties each documents, and a filter the sandbox cannot read is refused
 * with a 400 instead of being ignored.
 */
import type { RunRequestUnion } from "@azure/arm-containerregistry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/common/clock.js";
import { parseFilter } from "../../../src/sandbox/kernel/odataFilter.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/server.js";
import { acrClient, REGISTRY, RESOURCE_GROUP, SUBSCRIPTION } from "../acr/acrClient.js";
import { appsClient, whileAdvancing } from "../containerApps/appsClient.js";

const clock = new VirtualClock("2026-03-01T10:00:00.000Z");
let sandbox: Sandbox;

const run: RunRequestUnion = {
  type: "EncodedTaskRunRequest",
  encodedTaskContent: Buffer.from("version: v1.1.0\nsteps:\n  - build: -t $Registry/web:v1 .\n  - push:\n    - $Registry/web:v1\n").toString("base64"),
  platform: { os: "Linux", architecture: "amd64" },
};

beforeAll(async () => {
  sandbox = await startSandbox({ clock, durations: { runQueued: 1_000, runRunning: 5_000, revisionProvisioning: 2_000, lroPoll: 500 }, registries: [{ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name: REGISTRY }] });
});
afterAll(async () => {
  await sandbox.stop();
});

async function listRuns(filter?: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of acrClient(sandbox).runs.list(RESOURCE_GROUP, REGISTRY, filter ? { filter } : {})) ids.push(item.runId ?? "");
  return ids.sort();
}

describe("$filter", () => {
  it("Runs_List honours RunId and Status (eq, ne, and, or) and refuses what it cannot read", async () => {
    const client = acrClient(sandbox);
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, run);
    await clock.advance(60_000);
    await client.registries.beginScheduleRunAndWait(RESOURCE_GROUP, REGISTRY, run);

    expect(await listRuns()).toEqual(["ca1", "ca2"]);
    expect(await listRuns("RunId eq 'ca1'")).toEqual(["ca1"]);
    expect(await listRuns("Status eq 'Succeeded'")).toEqual(["ca1"]);
    expect(await listRuns("Status ne 'Succeeded' and RunId eq 'ca2'")).toEqual(["ca2"]);
    expect(await listRuns("RunId eq 'ca1' or RunId eq 'ca2'")).toEqual(["ca1", "ca2"]);
    expect(await listRuns("contains(RunId, 'a2')")).toEqual(["ca2"]);
    await expect(listRuns("Colour eq 'blue'")).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("unknown property 'Colour'") });
    await expect(listRuns("not (RunId eq 'ca1')")).rejects.toMatchObject({ statusCode: 400 });
  });

  it("Revisions_List honours its properties and refuses what it cannot read", async () => {
    const subscriptionId = SUBSCRIPTION;
    sandbox.apps.seedApp({ subscriptionId, resourceGroup: RESOURCE_GROUP, name: "web", revisionSuffix: "v1", containers: [{ name: "web", image: "mcr.microsoft.com/k8se/quickstart:1" }] });
    const apps = appsClient(sandbox, subscriptionId);
    await whileAdvancing(clock, apps.containerApps.update(RESOURCE_GROUP, "web", { location: "East US", template: { revisionSuffix: "v2", containers: [{ name: "web", image: "mcr.microsoft.com/k8se/quickstart:2" }] } }, { updateIntervalInMs: 5 }));
    await clock.advance(60_000);
    const names = async (filter: string): Promise<string[]> => {
      const found: string[] = [];
      for await (const revision of apps.containerAppsRevisions.listRevisions(RESOURCE_GROUP, "web", { filter })) found.push(revision.name ?? "");
      return found;
    };
    expect(await names("active eq true")).toEqual(["web--v2"]);
    expect(await names("active eq false")).toEqual(["web--v1"]);
    expect(await names("name eq 'web--v1' or trafficWeight eq 100")).toEqual(["web--v1", "web--v2"]);
    await expect(names("colour eq 'blue'")).rejects.toMatchObject({ statusCode: 400, code: "InvalidFilter" });
  });

  it("the parser takes quoted quotes, numbers and booleans, and refuses parentheses", () => {
    const parsed = parseFilter("Name eq 'it''s' and Count ge 2 and On eq true", ["Name", "Count", "On"]);
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(parsed.matches({ Name: "it's", Count: 3, On: true })).toBe(true);
    expect(parsed.matches({ Name: "it's", Count: 1, On: true })).toBe(false);
    expect(parseFilter("(Name eq 'a')", ["Name"])).toEqual({ ok: false, problem: "parentheses are not supported" });
  });
});
