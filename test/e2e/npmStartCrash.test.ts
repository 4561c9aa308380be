/**
 * The crash rehearsal of issue 8 §2, as a user does it: `npm start` (the compiled launcher, a child
 * process) is SIGKILLed while a deploy verifies its new revision, then started again on the same
 * data dir. Azure would not forget the revision, so neither may the sandbox: the resumed deploy
 * must find it and end `Succeeded` with exactly one PATCH, on the same sandbox port, with the call
 * log from before the kill still there. Sandbox durations are made short through /_sandbox/durations.
 * Runs with the in-memory registry (what a fresh clone without docker-registry gets) and, when it is
 * installed, with docker-registry.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { get as httpsGet, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCKER_REGISTRY_BINARY_SETTING } from "../../src/local/services/dockerRegistry.js";
import type { CallRecord } from "../../src/sandbox/kernel/callLog.js";
import { needsDockerRegistry } from "../support/dockerRegistryAvailability.js";
import { builtLauncher, freePort, killGroups, groupGone, launch, waitForOutput, type Launched } from "../support/launcher.js";

const SUBSCRIPTION = "de300000-0000-4000-8000-000000000001";
const APP_PATH = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-demo/providers/Microsoft.App/containerApps/demo-single`;

let work: string;
let main: string;
const launched: Launched[] = [];

/** A sandbox control call, trusting only the sandbox's CA. */
function control(origin: string, ca: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const request = (method === "GET" ? httpsGet : httpsRequest)(
      `${origin}/_sandbox${path}`,
      { method, ca, headers: payload ? { "content-type": "application/json" } : {} },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : undefined }));
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

interface DeployView {
  status: string;
  reason?: string;
  revision?: string;
  steps: { name: string; status: string }[];
}

async function deployment(base: string, key: string, id: string): Promise<DeployView | undefined> {
  try {
    const response = await fetch(`${base}/api/deployments/${id}`, { headers: { "x-functions-key": key } });
    return response.status === 200 ? ((await response.json()) as DeployView) : undefined;
  } catch {
    return undefined; // not listening (yet)
  }
}

/** Polls the deploy until `until` holds; throws with the last view after `ms`. */
async function waitForDeploy(base: string, key: string, id: string, until: (view: DeployView) => boolean, ms: number): Promise<DeployView> {
  const deadline = Date.now() + ms;
  let last: DeployView | undefined;
  while (Date.now() < deadline) {
    last = (await deployment(base, key, id)) ?? last;
    if (last && until(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`deploy ${id} did not get there within ${ms} ms; last seen: ${JSON.stringify(last)}`);
}

const calls = async (origin: string, ca: string): Promise<CallRecord[]> => ((await control(origin, ca, "GET", "/calls")).json as { calls: CallRecord[] }).calls;
const patchesOf = (log: CallRecord[]): CallRecord[] => log.filter((call) => call.method === "PATCH" && call.path === APP_PATH);
const ENDED = ["Succeeded", "Failed", "RolledBack", "Canceled", "Superseded"];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "aca-rollout-npmstart-crash-"));
  main = await builtLauncher();
}, 180_000);

afterAll(async () => {
  killGroups(launched);
  await rm(work, { recursive: true, force: true });
});

/** The rehearsal with one registry backend (`backendEnv` chooses it). */
async function rehearseCrash(backend: string, backendEnv: Record<string, string>): Promise<void> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = join(work, `data-${backend}`);
  const env = { PORT: String(port), ACA_ROLLOUT_DATA_DIR: dataDir, ...backendEnv };
  const started = Date.now();

  // Run 1: start a deploy and kill npm start while it verifies the new revision.
  const first = launch(main, work, env);
  launched.push(first);
  const origin = (await waitForOutput(first, /simulated at (https:\/\/127\.0\.0\.1:\d+)/, 30_000))[1]!;
  await waitForOutput(first, /Ready in/, 30_000);
  expect(first.output()).toContain(`Registry backend: ${backend}`);
  const ca = await readFile(join(dataDir, "sandbox/ca.pem"), "utf8");
  const key = (JSON.parse(await readFile(join(dataDir, "keys.json"), "utf8")) as { functionKey: string }).functionKey;
  // Short enough to keep the test quick, long enough for the kill to land before the revision is ready.
  const durations = { revisionProvisioning: 1_000, revisionActivating: 6_000, revisionHealthy: 1_000, lroPoll: 200 };
  expect((await control(origin, ca, "PUT", "/durations", durations)).status).toBe(200);

  const start = await fetch(`${base}/api/deployments`, {
    method: "POST",
    headers: { "x-functions-key": key, "content-type": "application/json" },
    body: JSON.stringify({ target: "demo-single", tag: "v2" }),
  });
  expect(start.status, first.output()).toBe(202);
  const { id } = (await start.json()) as { id: string };
  const verifying = await waitForDeploy(base, key, id, (view) => ENDED.includes(view.status) || view.steps.some((step) => step.name === "verify" && step.status === "running"), 60_000);
  const callsBeforeKill = await calls(origin, ca);
  const revisionsBeforeKill = ((await control(origin, ca, "GET", `/containerApps/${SUBSCRIPTION}/rg-demo/demo-single`)).json as { revisions: { name: string }[] }).revisions;
  process.kill(first.child.pid!, "SIGKILL");
  await first.exited;
  expect(verifying.status).toBe("Verifying");
  expect(patchesOf(callsBeforeKill)).toHaveLength(1);
  // Its supervised services (Azurite, docker-registry) follow it down.
  expect(await groupGone(first.child.pid!, 15_000)).toEqual([]);

  // Run 2: the same data dir.
  const second = launch(main, work, env);
  launched.push(second);
  expect((await waitForOutput(second, /simulated at (https:\/\/127\.0\.0\.1:\d+)/, 30_000))[1]).toBe(origin);
  expect(second.output()).toMatch(/Sandbox state: +restored from/);
  const ended = await waitForDeploy(base, key, id, (view) => ENDED.includes(view.status), 90_000);
  expect(ended.status, JSON.stringify(ended)).toBe("Succeeded");
  expect(revisionsBeforeKill.map((revision) => revision.name)).toContain(ended.revision);

  const callsAfter = await calls(origin, ca);
  expect(callsAfter.slice(0, callsBeforeKill.length)).toEqual(callsBeforeKill);
  expect(patchesOf(callsAfter)).toHaveLength(1);
  console.log(
    `npm start crash test (${backend}): ${callsBeforeKill.length} calls before the kill, ${callsAfter.length} after; ended ${ended.status} after ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  process.kill(second.child.pid!, "SIGINT");
  expect(await second.exited).toBe(0);
}

const TITLE = "resumes on restart against the same sandbox: Succeeded, one PATCH, same port, call log kept";

describe("npm start killed mid-verify, in-memory registry (a fresh clone without docker-registry)", () => {
  it(TITLE, () => rehearseCrash("in-memory", { [DOCKER_REGISTRY_BINARY_SETTING]: "/nonexistent/docker-registry" }), 240_000);
});

// Needs Debian's registry (`apt-get install -y docker-registry`): skipped without it, unless the run requires it.
describe("npm start killed mid-verify, docker-registry", needsDockerRegistry(), () => {
  it(TITLE, () => rehearseCrash("docker-registry", {}), 240_000);
});
