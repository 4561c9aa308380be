/**
 * The README's `## HTTP API` examples are run, as written, with the real `curl` binary against
 * `npm start`'s own demo (the same target declaration and sandbox seeding, on a virtual clock):
 * `$BASE` and `$KEY` become the runtime's URL and function key, `$ID` a deploy this test started and
 * `$DIGEST` a digest it quarantined. Each example's status must be the one its first line promises,
 * and every answer must match the OpenAPI document; the sample problem document shown must be what
 * the API actually answers. The demo target that builds is then driven to the end.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetKey } from "../../../src/entities/names.js";
import type { DeploymentAccepted, DeploymentResource } from "../../../src/functions/http/apiTypes.js";
import { DEMO_IMAGE, DEMO_RESOURCE_GROUP, DEMO_SUBSCRIPTION_ID } from "../../../src/local/demo.js";
import { startDemoWorld, type DemoWorld } from "./demoWorld.js";

const run = promisify(execFile);
const README = resolve(import.meta.dirname, "../../../README.md");
const QUARANTINED = `sha256:${"e".repeat(64)}`;

/** One fenced block of the section. */
interface Example {
  language: string;
  code: string;
}

/** The fenced blocks of the README's `## HTTP API` section, in order. */
function httpApiExamples(): Example[] {
  const text = readFileSync(README, "utf8");
  const start = text.indexOf("\n## HTTP API\n");
  if (start === -1) throw new Error("README has no '## HTTP API' section");
  const end = text.indexOf("\n## ", start + 1);
  const section = text.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({ language: m[1]!, code: m[2]! }));
}

/** The status an example's first line promises (`...: expect 202 ...`). */
function expectedStatus(code: string): number {
  const match = /^#.*\bexpect (\d{3})\b/.exec(code);
  if (!match) throw new Error(`example does not start with a '# ... expect <status>' line:\n${code}`);
  return Number(match[1]);
}

/** Headers as curl's `-D` wrote them (the last response's block). */
function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  const blocks = raw.trim().split(/\r?\n\r?\n/);
  for (const line of (blocks[blocks.length - 1] ?? "").split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

// curl as the README writes it, plus where the test reads the answer from.
const CURL_WRAPPER = `curl() { command curl -s -D "$OUT/headers" -o "$OUT/body" -w '%{http_code} %{method} %{url_effective}' "$@"; }\n`;

let demo: DemoWorld;
let out: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  demo = await startDemoWorld();
  // A deploy for the status, list and cancel examples; the virtual clock stands still, so it is still running when they run.
  const started = await demo.client.request<DeploymentAccepted>("POST", "/deployments", { body: { target: "demo-single", tag: DEMO_IMAGE.nextTag } });
  const entity = { name: "deployTarget", key: targetKey({ subscriptionId: DEMO_SUBSCRIPTION_ID, resourceGroup: DEMO_RESOURCE_GROUP, containerApp: "demo-single" }) };
  await demo.runtime.engine.signalEntity(entity, "quarantine", { digest: QUARANTINED, deploymentId: "dep-old", reason: "revision never became healthy", at: "2026-11-28T08:00:00.000Z" });
  await demo.runtime.engine.idle();
  out = mkdtempSync(join(tmpdir(), "aca-readme-"));
  env = { PATH: process.env.PATH, HOME: out, OUT: out, BASE: demo.runtime.url, KEY: demo.runtime.functionKey, ID: started.body.id, DIGEST: QUARANTINED };
});

afterAll(async () => {
  await demo?.stop();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe("README ## HTTP API", () => {
  const examples = httpApiExamples();
  const bash = examples.filter((e) => e.language === "bash");

  it("has curl examples for deploy, status, list, cancel, targets, quarantine lift, health and an error", () => {
    const all = bash.map((e) => e.code).join("\n");
    for (const needle of ["-X POST \"$BASE/api/deployments\"", "/api/deployments/$ID\"", "/api/deployments?", "/cancel", "/api/targets\"", "-X DELETE", "/api/health", "expect 400", '"build"']) {
      expect(all).toContain(needle);
    }
    for (const example of bash) expect(example.code).toMatch(/^curl /m);
  });

  // Runs in README order: the cancel example comes after the status example, as a reader would run them.
  it.each(bash.map((e, i) => [i + 1, e.code.split("\n")[0], e] as const))("example %i (%s) answers as promised and as documented", async (_n, _title, example) => {
    const { stdout } = await run("bash", ["-euo", "pipefail", "-c", CURL_WRAPPER + example.code], { env, timeout: 20_000 });
    const [status, method, url] = stdout.trim().split(" ");
    expect(Number(status)).toBe(expectedStatus(example.code));
    const path = new URL(url!).pathname;
    const documentPath = path.slice(demo.client.validator.serverPath.length);
    const text = readFileSync(join(out, "body"), "utf8");
    expect(demo.client.validator.validate(method!, documentPath, { status: Number(status), headers: parseHeaders(readFileSync(join(out, "headers"), "utf8")), text })).toEqual([]);
  });

  it("the sample problem document is what the error example answers", async () => {
    const index = examples.findIndex((e) => e.language === "bash" && /expect 4\d\d/.test(e.code));
    const sample = examples[index + 1];
    expect(sample?.language).toBe("json");
    await run("bash", ["-euo", "pipefail", "-c", CURL_WRAPPER + examples[index]!.code], { env, timeout: 20_000 });
    expect(JSON.parse(readFileSync(join(out, "body"), "utf8"))).toEqual(JSON.parse(sample!.code));
  });

  it("the build example's target builds with ACR Tasks and its deploy ends Succeeded with the built digest", async () => {
    const example = examples.find((e) => e.language === "bash" && e.code.includes('"target": "demo-build"'));
    expect(example, "an example deploying the demo target that builds").toBeDefined();
    const { stdout } = await run("bash", ["-euo", "pipefail", "-c", CURL_WRAPPER + example!.code], { env, timeout: 20_000 });
    expect(stdout.split(" ")[0]).toBe("202");
    const { id } = JSON.parse(readFileSync(join(out, "body"), "utf8")) as DeploymentAccepted;
    expect(await demo.runToEnd(id)).toBe("Completed");
    const deployment = (await demo.client.request<DeploymentResource>("GET", `/deployments/${id}`)).body;
    expect(deployment).toMatchObject({ target: "demo-build", status: "Succeeded", image: { tag: DEMO_IMAGE.buildTag, digest: expect.stringMatching(/^sha256:/) } });
    expect(deployment.runId).toBeTruthy();
    expect(deployment.steps.find((s) => s.name === "build")?.status).toBe("succeeded");
  });
});
