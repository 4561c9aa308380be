/**
 * `npm start` end to end: the compiled launcher on a fresh data dir with no settings must serve
 * GET /api/health with 200 within 15 s, print the sandbox banner, and leave no child service behind
 * when it is interrupted. Builds into a temp dir unless dist/ is already up to date.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { get as httpsGet, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtLauncher, freePort, killGroups, groupGone, launch, processGroupMembers, type Launched } from "../../support/launcher.js";

const HEALTH_DEADLINE_MS = 15_000;

let work: string;
let mainJs: string;
let launched: Launched | undefined;

/** GETs JSON from the sandbox, trusting only its CA. */
function sandboxJson(url: string, ca: string, postBody?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage): void => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve(JSON.parse(text) as unknown));
    };
    if (postBody === undefined) {
      httpsGet(url, { ca }, onResponse).on("error", reject);
      return;
    }
    const request = httpsRequest(url, { ca, method: "POST", headers: { "content-type": "application/json" } }, onResponse);
    request.on("error", reject);
    request.end(postBody);
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "aca-rollout-npmstart-"));
  mainJs = await builtLauncher();
}, 120_000);

afterAll(async () => {
  killGroups([launched]);
  await rm(work, { recursive: true, force: true });
});

describe("npm start", () => {
  it("serves GET /api/health with 200 within 15 s on a fresh data dir, then stops every child on SIGINT", async () => {
    const port = await freePort();
    const dataDir = join(work, "data");
    const started = Date.now();
    const run = launch(mainJs, work, { PORT: String(port), ACA_ROLLOUT_DATA_DIR: dataDir });
    launched = run;
    const { child, exited } = run;
    const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null;

    let status = 0;
    let body: unknown;
    while (Date.now() - started < HEALTH_DEADLINE_MS && !hasExited()) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`);
        status = response.status;
        body = await response.json();
        if (status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`npm start test: GET /api/health answered ${status} after ${seconds.toFixed(2)} s`);
    expect(status, run.output()).toBe(200);
    expect(seconds).toBeLessThan(HEALTH_DEADLINE_MS / 1000);
    expect(body).toMatchObject({ status: "healthy", mode: "sandbox" });

    expect(run.output()).toMatch(/SANDBOX MODE: no Azure subscription is used; Azure Resource Manager is simulated at https:\/\/127\.0\.0\.1:\d+/);
    const keys = JSON.parse(await readFile(join(dataDir, "keys.json"), "utf8")) as { functionKey: string };
    expect(run.output()).toContain(`Function key:       ${keys.functionKey}`);
    expect(run.output()).toContain("/api/deployments");
    expect(run.output()).toContain("/_sandbox/");
    const ca = await readFile(join(dataDir, "sandbox/ca.pem"), "utf8");
    expect(ca).toContain("BEGIN CERTIFICATE");
    const sandboxOrigin = /simulated at (https:\/\/127\.0\.0\.1:\d+)/.exec(run.output())![1]!;
    const apps = (await sandboxJson(`${sandboxOrigin}/_sandbox/containerApps`, ca)) as { apps: { name: string; properties: { configuration: { activeRevisionsMode: string } } }[] };
    expect(apps.apps.map((a) => [a.name, a.properties.configuration.activeRevisionsMode]).sort()).toEqual([
      ["demo-auto", "Single"],
      ["demo-build", "Single"],
      ["demo-multi", "Multiple"],
      ["demo-single", "Single"],
    ]);
    // The printed examples name configured targets, and each is accepted as printed (one deploys a tag, one builds).
    const printed = [...run.output().matchAll(/\/api\/deployments"[^\n]*\n\s+-d '(\{[^']*\})'/g)].map((m) => m[1]!);
    expect(printed.map((body) => JSON.parse(body) as unknown)).toEqual([
      { target: "demo-single", tag: "v2" },
      { target: "demo-build", tag: "v3" },
    ]);
    for (const body of printed) {
      const answer = await fetch(`http://127.0.0.1:${port}/api/deployments`, { method: "POST", headers: { "x-functions-key": keys.functionKey, "content-type": "application/json" }, body });
      expect(answer.status, body).toBe(202);
    }

    // The printed push goes through the sandbox registry's webhook to the runtime's ACR webhook, secret accepted.
    const push = /push a tag:\s+curl --cacert \S+ -X POST "([^"]+)" -H "content-type: application\/json" -d '(\{[^']*\})'/.exec(run.output());
    expect(push, run.output()).not.toBeNull();
    expect((await sandboxJson(push![1]!, ca, push![2])) as { tag: string }).toMatchObject({ tag: "v2" });
    let deliveries: { statusCode?: number; tag?: string }[] = [];
    for (let i = 0; i < 50 && deliveries.length === 0; i++) {
      const view = (await sandboxJson(`${sandboxOrigin}/_sandbox/acr/webhooks`, ca)) as { webhooks: { deliveries: { statusCode?: number; tag?: string }[] }[] };
      deliveries = view.webhooks.flatMap((hook) => hook.deliveries).filter((delivery) => delivery.tag === "v2");
      if (deliveries.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(deliveries).toEqual([expect.objectContaining({ statusCode: 202 })]);
    // Neither the webhook's URI nor its secret is ever printed.
    expect(run.output()).not.toContain("/api/webhooks/acr\"");
    expect(run.output()).not.toMatch(/x-aca-rollout-secret[:=]/);

    const pid = child.pid!;
    expect((await processGroupMembers(pid)).length).toBeGreaterThan(1);
    process.kill(pid, "SIGINT");
    const code = await Promise.race([exited, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 10_000))]);
    expect(code, run.output()).toBe(0);
    // Supervisors exit once their service has; give them a moment, then nothing of ours may remain.
    expect(await groupGone(pid, 5000), run.output()).toEqual([]);
  }, 60_000);
});
