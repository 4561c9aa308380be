/**
 * `GET /api/deployments` over real HTTP: newest first (creation time in milliseconds; deploys
 * accepted in the same instant in the order they started), only deploys (no
 * build waits or entities), filtered by target and status, and paged with an opaque token that walks
 * every item exactly once even when new deployments start mid-walk.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeploymentAccepted, DeploymentPage } from "../../../src/functions/http/apiTypes.js";
import { PROBLEM_TYPES } from "../../../src/functions/http/problem.js";
import { encodeCursor } from "../../../src/functions/http/deploymentCursor.js";
import { GIT_BUILD, startApiWorld, targetFor, type ApiWorld, type ProblemBody } from "./apiWorld.js";

let api: ApiWorld;
/** Every deployment started, oldest first, with the virtual time it was created at. */
const started: { id: string; target: string; at: number }[] = [];

async function start(target: string, tag: string): Promise<string> {
  const answer = await api.call<DeploymentAccepted>("POST", "/deployments", { json: { target, tag } });
  expect(answer.status, answer.text).toBe(202);
  started.push({ id: answer.body.id, target, at: api.world.clock.now() });
  return answer.body.id;
}

/** Newest first: the reverse of the order they were started in, also for those started in the same instant. */
function expectedOrder(items: readonly { id: string; at: number }[]): string[] {
  return [...items].reverse().map((i) => i.id);
}

async function list(query: string): Promise<DeploymentPage> {
  const answer = await api.call<DeploymentPage>("GET", `/deployments${query}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
}

beforeAll(async () => {
  api = await startApiWorld({ targets: [targetFor("alpha", "list-alpha"), targetFor("beta", "list-beta"), targetFor("gamma", "list-gamma", { build: GIT_BUILD })] });
  await api.world.seedApp("list-alpha");
  await api.world.seedApp("list-beta");
  await api.world.seedApp("list-gamma");
  await api.world.pushImage("v2");

  await api.world.runToEnd(await start("alpha", "v2"));
  // Four started in the same (virtual) instant: the order they started in breaks the tie, not their ids.
  const together = [await start("beta", "v2"), await start("alpha", "v2"), await start("beta", "v2"), await start("alpha", "v2")];
  for (const id of together) await api.world.runToEnd(id);
  await api.world.runToEnd(await start("alpha", "not-pushed")); // fails: the tag does not exist
  await api.world.runToEnd(await start("gamma", "built-1")); // has a build-wait sub-orchestration
  await api.world.runToEnd(await start("beta", "v2"));
});
afterAll(async () => {
  await api?.stop();
});

describe("GET /api/deployments", () => {
  it("lists only deploys, newest first", async () => {
    const page = await list("?top=100");
    expect(page.value.map((d) => d.id)).toEqual(expectedOrder(started));
    expect(page.continuationToken).toBeUndefined();
    expect(page.nextLink).toBeUndefined();
    // The build wait exists in the engine but is not a deployment.
    const all = await api.world.runtime.engine.listInstances({ showInput: false });
    expect(all.instances.some((i) => i.name === "waitForBuildRun")).toBe(true);
    expect(page.value.every((d) => d.id.startsWith("dep-") && !d.id.endsWith("-build"))).toBe(true);
    // Each item is the same resource GET /deployments/{id} shows.
    expect(page.value[0]).toEqual(await api.deployment(page.value[0]!.id));
    // createdAt keeps milliseconds: the four started in one instant are 1 ms apart, newest first.
    const created = page.value.map((d) => Date.parse(d.createdAt));
    expect(new Set(created).size).toBe(created.length);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    // Default page size is 20: all of them fit.
    expect((await list("")).value).toHaveLength(started.length);
  });

  it("walks every item once with top=1 and the continuation token, also when a deploy starts mid-walk", async () => {
    const expected = expectedOrder(started);
    const seen: string[] = [];
    let page = await list("?top=1");
    let added: string | undefined;
    for (;;) {
      expect(page.value).toHaveLength(1);
      seen.push(page.value[0]!.id);
      if (!page.continuationToken) break;
      expect(page.nextLink).toBe(`${api.world.runtime.url}/api/deployments?top=1&continuationToken=${page.continuationToken}`);
      if (seen.length === 2 && !added) added = await start("beta", "v2"); // newer than the cursor: not in this walk
      // Alternate between the token and the nextLink, which must lead to the same page.
      page = seen.length % 2 === 0 ? (await api.follow<DeploymentPage>(page.nextLink!)).body : await list(`?top=1&continuationToken=${page.continuationToken}`);
    }
    expect(page.nextLink).toBeUndefined();
    expect(seen).toEqual(expected);
    // A fresh walk sees the new one first.
    expect((await list("?top=1")).value[0]!.id).toBe(added);
    await api.world.runToEnd(added!);
  });

  it("filters by target and by status, and pages within the filter", async () => {
    const alpha = await list("?target=alpha");
    expect(alpha.value.map((d) => d.id)).toEqual(expectedOrder(started.filter((s) => s.target === "alpha")));
    expect(alpha.value.every((d) => d.target === "alpha")).toBe(true);

    const failed = await list("?status=Failed");
    expect(failed.value).toHaveLength(1);
    expect(failed.value[0]).toMatchObject({ target: "alpha", status: "Failed", image: { tag: "not-pushed" } });

    const betaSucceeded = expectedOrder(started.filter((s) => s.target === "beta"));
    const first = await list("?target=beta&status=Succeeded&top=2");
    expect(first.value.map((d) => d.id)).toEqual(betaSucceeded.slice(0, 2));
    expect(first.nextLink).toContain("target=beta&status=Succeeded&top=2&continuationToken=");
    const rest = (await api.follow<DeploymentPage>(first.nextLink!)).body;
    expect(rest.value.map((d) => d.id)).toEqual(betaSucceeded.slice(2));
    expect(rest.nextLink).toBeUndefined();

    expect((await list("?target=nobody")).value).toEqual([]);
    expect((await list("?status=Building")).value).toEqual([]);
  });

  it("400s bad query values with a pointer at the parameter", async () => {
    const token = (await list("?top=1")).continuationToken!;
    const forged = encodeCursor({ createdAt: "2026-01-01T00:00:00.000Z", id: "dep-x", target: "alpha" });
    const cases: [string, string][] = [
      ["?status=Done", "/query/status"],
      ["?status=succeeded", "/query/status"],
      ["?top=0", "/query/top"],
      ["?top=101", "/query/top"],
      ["?top=ten", "/query/top"],
      ["?top=1&top=2", "/query/top"],
      ["?target=Alpha!", "/query/target"],
      [`?continuationToken=${token.slice(0, -3)}x`, "/query/continuationToken"],
      ["?continuationToken=not*base64", "/query/continuationToken"],
      [`?continuationToken=${Buffer.from('{"v":2}').toString("base64url")}`, "/query/continuationToken"],
      [`?continuationToken=${forged}`, "/query/continuationToken"], // issued for target=alpha
      ["?skip=2", "/query/skip"],
    ];
    for (const [query, pointer] of cases) {
      const answer = await api.call<ProblemBody>("GET", `/deployments${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.type, query).toBe(PROBLEM_TYPES.validation);
      expect(answer.body.errors?.map((e) => e.pointer), query).toEqual([pointer]);
    }
  });
});
