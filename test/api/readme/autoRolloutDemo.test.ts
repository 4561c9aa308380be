/**
 * The README's "Auto-rollout end to end in the sandbox" example, run as written with the real `curl`
 * against `npm start`'s own demo (same targets, seeding and webhook wiring, on a virtual clock): the
 * push through the sandbox's control route reaches the product's ACR webhook through the registry
 * webhook the sandbox sends itself, and `demo-auto` ends up deployed at the pushed digest.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEPLOY_OUTCOMES } from "../../../src/domain/deployOutcomeKind.js";
import type { DeploymentPage, DeploymentResource } from "../../../src/functions/http/apiTypes.js";
import { DEMO_AUTO, DEMO_REGISTRY, DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID } from "../../../src/local/demo.js";
import { startDemoWorld, type DemoWorld } from "./demoWorld.js";

const run = promisify(execFile);
const README = resolve(import.meta.dirname, "../../../README.md");

/** The bash block of the README's auto-rollout sandbox section. */
function pushExample(): string {
  const text = readFileSync(README, "utf8");
  const start = text.indexOf("\n### Auto-rollout end to end in the sandbox\n");
  if (start === -1) throw new Error("README has no 'Auto-rollout end to end in the sandbox' section");
  const section = text.slice(start, text.indexOf("\n### ", start + 1));
  const block = /^```bash\n([\s\S]*?)^```$/m.exec(section);
  if (!block) throw new Error("the section has no bash example");
  return block[1]!;
}

let demo: DemoWorld;
let work: string;

beforeAll(async () => {
  demo = await startDemoWorld();
  // The example's --cacert path is relative to where npm start ran.
  work = mkdtempSync(join(tmpdir(), "aca-autodemo-"));
  mkdirSync(join(work, ".aca-rollout/sandbox"), { recursive: true });
  writeFileSync(join(work, ".aca-rollout/sandbox/ca.pem"), demo.sandbox.caPem);
});

afterAll(async () => {
  await demo?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("README: auto-rollout end to end in the sandbox", () => {
  it("a push through the control route deploys demo-auto at the pushed digest, through the registry webhook and POST /api/webhooks/acr", async () => {
    const { stdout } = await run("bash", ["-euo", "pipefail", "-c", pushExample()], { cwd: work, env: { PATH: process.env.PATH, HOME: work, S: demo.sandbox.origin }, timeout: 20_000 });
    const pushed = JSON.parse(stdout) as { digest: string; tag: string };
    expect(pushed.tag).toBe(DEMO_AUTO.nextTag);
    await demo.settle();

    // The sandbox sent the push to the runtime, which took it (secret accepted).
    const registry = demo.sandbox.acr.registries().find((r) => r.loginServer === DEMO_REGISTRY.loginServer)!;
    const deliveries = demo.sandbox.acr.webhooks(registry).flatMap((hook) => hook.events);
    expect(deliveries.map((event) => [(event.content["target"] as { tag?: string }).tag, event.response])).toEqual([[DEMO_AUTO.nextTag, expect.objectContaining({ statusCode: 202 })]]);

    // Time moves on (the debounce window, then the deploy) until demo-auto's deploy has ended.
    let deploy: DeploymentResource | undefined;
    const limit = demo.clock.now() + 30 * 60_000;
    while (demo.clock.now() < limit) {
      const page = await demo.client.request<DeploymentPage>("GET", "/deployments?target=demo-auto");
      deploy = page.body.value[0];
      if (deploy && (DEPLOY_OUTCOMES as readonly string[]).includes(deploy.status)) break;
      const next = demo.clock.nextTimerAt();
      if (next === undefined) break;
      await demo.clock.advanceTo(next, () => demo.settle());
      await demo.settle();
    }
    expect(deploy, "demo-auto was never deployed").toBeDefined();
    expect(deploy).toMatchObject({ target: DEMO_AUTO.app, status: "Succeeded", image: { digest: pushed.digest }, trigger: { kind: "webhook" } });
    const app = demo.sandbox.apps.getApp({ subscriptionId: DEMO_SUBSCRIPTION_ID, resourceGroup: DEMO_RESOURCE_GROUP, name: DEMO_AUTO.app })!;
    expect(JSON.stringify(app.properties)).toContain(`${DEMO_REGISTRY.loginServer}/${DEMO_AUTO.repository}@${pushed.digest}`);
  });
});
